import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Role } from '../../common/actor';
import { CreatedAt, DateTime3, IdColumn, UpdatedAt } from '../../database/columns';

@Entity('users')
@Index('idx_users_region', ['regionId'])
@Index('idx_users_org', ['organizationId'])
export class UserEntity {
  @PrimaryColumn({ type: 'char', length: 36 })
  id: string;

  @Index('uq_users_username', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  username: string;

  /** argon2id; NULL for residents imported without a password (they cannot log in until one is set). */
  @Column({ name: 'password_hash', type: 'varchar', length: 255, nullable: true })
  passwordHash: string | null;

  @Column({ name: 'display_name', type: 'varchar', length: 100 })
  displayName: string;

  @Column({ type: 'simple-array' })
  roles: Role[];

  @IdColumn('region_id', { nullable: true })
  regionId: string | null;

  @IdColumn('organization_id', { nullable: true })
  organizationId: string | null;

  @Column({ name: 'household_no', type: 'varchar', length: 64, nullable: true })
  householdNo: string | null;

  @Column({ name: 'birth_date', type: 'date', nullable: true })
  birthDate: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  phone: string | null;

  /** False while disabled, and for good once deleted. */
  @Column({ type: 'boolean', default: true })
  active: boolean;

  /**
   * Carried by every access token (`ver`): a token of an older version is refused. Bumped by a
   * password change, a change of roles or organisation, disabling and deleting.
   */
  @Column({ name: 'token_version', type: 'int', default: 0 })
  tokenVersion: number;

  /** Soft deletion: the row stays (the ledger, awards and audit lines name it), the login is gone. */
  @DateTime3('deleted_at', { nullable: true })
  deletedAt: Date | null;

  @DateTime3('status_changed_at', { nullable: true })
  statusChangedAt: Date | null;

  @IdColumn('status_changed_by', { nullable: true })
  statusChangedBy: string | null;

  @CreatedAt()
  createdAt: Date;

  @UpdatedAt()
  updatedAt: Date;
}
