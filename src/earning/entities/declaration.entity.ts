import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CreatedAt, DateTime3, IdColumn, UpdatedAt } from '../../database/columns';

export const DECLARATION_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type DeclarationStatus = (typeof DECLARATION_STATUSES)[number];

/** A resident's claim for a rule-book item (积分申报), by themself or by a grid worker as proxy. */
@Entity('declarations')
@Index('idx_declarations_community', ['communityId', 'status', 'createdAt'])
@Index('idx_declarations_resident', ['residentId', 'createdAt'])
export class DeclarationEntity {
  @PrimaryColumn({ type: 'char', length: 36 })
  id: string;

  @IdColumn('community_id')
  communityId: string;

  @IdColumn('resident_id')
  residentId: string;

  @IdColumn('rule_id')
  ruleId: string;

  /** The item as the resident declared it (the award takes these). */
  @Column({ name: 'rule_name', type: 'varchar', length: 200 })
  ruleName: string;

  @Column({ name: 'rule_points', type: 'int' })
  rulePoints: number;

  @DateTime3('occurred_at')
  occurredAt: Date;

  @Column({ type: 'varchar', length: 1000 })
  note: string;

  @IdColumn('declared_by')
  declaredBy: string;

  /** Declared by a grid worker on the resident's behalf. */
  @Column({ type: 'boolean', default: false })
  proxy: boolean;

  @Column({ type: 'varchar', length: 16 })
  status: DeclarationStatus;

  @IdColumn('reviewed_by', { nullable: true })
  reviewedBy: string | null;

  @DateTime3('reviewed_at', { nullable: true })
  reviewedAt: Date | null;

  @Column({ name: 'reject_reason', type: 'varchar', length: 1000, nullable: true })
  rejectReason: string | null;

  @IdColumn('award_id', { nullable: true })
  awardId: string | null;

  @CreatedAt()
  createdAt: Date;

  @UpdatedAt()
  updatedAt: Date;
}
