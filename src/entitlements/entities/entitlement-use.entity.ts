import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintNumber, CreatedAt, DateTime3, IdColumn, UpdatedAt } from '../../database/columns';
import type { CreditLevel } from '../../earning/credit-levels';
import type { EntitlementKind, UseStatus } from '../entitlement-rules';

/** A meal, a waived deposit, a discounted check-up or a deferred bill, recorded at a hospital or canteen. */
@Entity('entitlement_uses')
@Index('idx_entitlement_uses_org', ['organizationId', 'createdAt'])
@Index('idx_entitlement_uses_region', ['regionPath', 'createdAt'])
@Index('idx_entitlement_uses_resident', ['residentId', 'kind', 'status'])
@Index('idx_entitlement_uses_due', ['status', 'dueAt'])
export class EntitlementUseEntity {
  @PrimaryColumn({ type: 'char', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 32 })
  kind: EntitlementKind;

  @Column({ type: 'varchar', length: 12 })
  status: UseStatus;

  @IdColumn('resident_id')
  residentId: string;

  /** The resident's community or village when the use was recorded (street offices total by it). */
  @IdColumn('community_id')
  communityId: string;

  @Column({ name: 'region_path', type: 'varchar', length: 400 })
  regionPath: string;

  /** The hospital or canteen. */
  @IdColumn('organization_id')
  organizationId: string;

  @IdColumn('recorded_by')
  recordedBy: string;

  /** The earning year the use counts in. */
  @Column({ name: 'period_year', type: 'smallint' })
  periodYear: number;

  /** The live credit level when the use was recorded. */
  @Column({ name: 'credit_level', type: 'varchar', length: 4 })
  creditLevel: CreditLevel;

  /** The region whose policy applied (null: the built-in default). */
  @IdColumn('policy_region_id', { nullable: true })
  policyRegionId: string | null;

  /** The deferred bill, the waived deposit, or the check-up fee before the discount. */
  @Column({ name: 'amount_fen', type: 'bigint', nullable: true, transformer: bigintNumber })
  amountFen: number | null;

  @Column({ name: 'discount_percent', type: 'int', nullable: true })
  discountPercent: number | null;

  @DateTime3('due_at', { nullable: true })
  dueAt: Date | null;

  @DateTime3('overdue_at', { nullable: true })
  overdueAt: Date | null;

  @DateTime3('settled_at', { nullable: true })
  settledAt: Date | null;

  @IdColumn('settled_by', { nullable: true })
  settledBy: string | null;

  @Column({ name: 'settle_note', type: 'varchar', length: 300, nullable: true })
  settleNote: string | null;

  @CreatedAt()
  createdAt: Date;

  @UpdatedAt()
  updatedAt: Date;
}
