import { Column, Entity, PrimaryColumn } from 'typeorm';
import { DateTime3 } from '../../database/columns';

/** Failed logins per username within a window (shared by every API replica). */
@Entity('login_failures')
export class LoginFailureEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  username: string;

  @Column({ type: 'int' })
  failures: number;

  @DateTime3('window_started_at')
  windowStartedAt: Date;
}
