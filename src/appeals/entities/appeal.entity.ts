import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CreatedAt, DateTime3, IdColumn, UpdatedAt } from '../../database/columns';

export const APPEAL_STATUSES = ['pending', 'upheld', 'rejected'] as const;
export type AppealStatus = (typeof APPEAL_STATUSES)[number];

/** A resident's appeal against a deduction (申诉), decided by community staff. */
@Entity('appeals')
@Index('idx_appeals_community', ['communityId', 'status', 'createdAt'])
@Index('idx_appeals_resident', ['residentId', 'createdAt'])
@Index('idx_appeals_transfer', ['transferId'])
export class AppealEntity {
  @PrimaryColumn({ type: 'char', length: 36 })
  id: string;

  @IdColumn('community_id')
  communityId: string;

  @IdColumn('resident_id')
  residentId: string;

  @IdColumn('award_id')
  awardId: string;

  /** The deduction's ledger transfer. */
  @IdColumn('transfer_id')
  transferId: string;

  /** The points deducted (positive). */
  @Column({ type: 'int' })
  points: number;

  @Column({ name: 'rule_name', type: 'varchar', length: 200 })
  ruleName: string;

  /** The staff member who made the deduction (who may not decide the appeal). */
  @IdColumn('deducted_by')
  deductedBy: string;

  @Column({ type: 'varchar', length: 1000 })
  reason: string;

  @Column({ type: 'varchar', length: 16 })
  status: AppealStatus;

  /** The deduction's transfer id while the appeal is pending, else null: one open appeal per deduction. */
  @Index('uq_appeals_open', { unique: true })
  @IdColumn('open_key', { nullable: true })
  openKey: string | null;

  @IdColumn('decided_by', { nullable: true })
  decidedBy: string | null;

  @DateTime3('decided_at', { nullable: true })
  decidedAt: Date | null;

  @Column({ name: 'decision_comment', type: 'varchar', length: 1000, nullable: true })
  decisionComment: string | null;

  /** The compensating transfer of an upheld appeal. */
  @IdColumn('reversal_transfer_id', { nullable: true })
  reversalTransferId: string | null;

  @CreatedAt()
  createdAt: Date;

  @UpdatedAt()
  updatedAt: Date;
}
