import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber, CreatedAt, IdColumn, UpdatedAt } from '../../database/columns';
import type { CreditLevel } from '../../earning/credit-levels';
import type { EntitlementKind } from '../entitlement-rules';

/** A region's policy for one kind; it applies to the region and below unless a lower region sets its own. */
@Entity('entitlement_policies')
export class EntitlementPolicyEntity {
  @PrimaryColumn({ name: 'region_id', type: 'char', length: 36 })
  regionId: string;

  @PrimaryColumn({ type: 'varchar', length: 32 })
  kind: EntitlementKind;

  @Column({ name: 'min_credit_level', type: 'varchar', length: 4 })
  minCreditLevel: CreditLevel;

  @Column({ name: 'yearly_quota', type: 'int', nullable: true })
  yearlyQuota: number | null;

  @Column({ name: 'max_outstanding_fen', type: 'bigint', nullable: true, transformer: bigintNumber })
  maxOutstandingFen: number | null;

  @Column({ name: 'discount_percent', type: 'int', nullable: true })
  discountPercent: number | null;

  @Column({ name: 'overdue_after_days', type: 'int', nullable: true })
  overdueAfterDays: number | null;

  @IdColumn('updated_by', { nullable: true })
  updatedBy: string | null;

  @CreatedAt()
  createdAt: Date;

  @UpdatedAt()
  updatedAt: Date;
}
