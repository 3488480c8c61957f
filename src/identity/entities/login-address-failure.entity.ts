import { Column, Entity, PrimaryColumn } from 'typeorm';
import { DateTime3 } from '../../database/columns';

/** Failed logins per client address within a window (password spraying over many usernames). */
@Entity('login_address_failures')
export class LoginAddressFailureEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  address: string;

  @Column({ type: 'int' })
  failures: number;

  @DateTime3('window_started_at')
  windowStartedAt: Date;
}
