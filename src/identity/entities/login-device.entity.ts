import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CreatedAt, DateTime3, IdColumn } from '../../database/columns';

/**
 * A device that logged in before (the `deviceToken` of `POST /auth/login`, kept by the client per
 * username; only its SHA-256 is stored). Failed logins from a known device count here, not against
 * the username, so other people's wrong guesses never lock the device's owner out.
 */
@Entity('login_devices')
@Index('idx_login_devices_user', ['userId', 'lastLoginAt'])
export class LoginDeviceEntity {
  @PrimaryColumn({ type: 'char', length: 36 })
  id: string;

  @IdColumn('user_id')
  userId: string;

  @Index('uq_login_devices_token', { unique: true })
  @Column({ name: 'token_hash', type: 'char', length: 64 })
  tokenHash: string;

  @Column({ type: 'int', default: 0 })
  failures: number;

  @DateTime3('window_started_at', { nullable: true })
  windowStartedAt: Date | null;

  @CreatedAt()
  createdAt: Date;

  @DateTime3('last_login_at', { default: () => 'CURRENT_TIMESTAMP(3)' })
  lastLoginAt: Date;
}
