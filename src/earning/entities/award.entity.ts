import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CreatedAt, DateTime3, IdColumn } from '../../database/columns';

/** Points given for a rule-book item, with the item's points and wording as they were then. */
@Entity('awards')
@Index('idx_awards_resident', ['residentId', 'createdAt'])
@Index('idx_awards_community', ['communityId', 'createdAt'])
@Index('idx_awards_transfer', ['transferId'])
export class AwardEntity {
  @PrimaryColumn({ type: 'char', length: 36 })
  id: string;

  @IdColumn('community_id')
  communityId: string;

  @IdColumn('resident_id')
  residentId: string;

  @IdColumn('rule_id')
  ruleId: string;

  /** Negative for a deduction. */
  @Column({ type: 'int' })
  points: number;

  @Column({ name: 'rule_name', type: 'varchar', length: 200 })
  ruleName: string;

  @Column({ name: 'rule_category', type: 'varchar', length: 64, nullable: true })
  ruleCategory: string | null;

  @Column({ name: 'rule_description', type: 'varchar', length: 1000, nullable: true })
  ruleDescription: string | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  note: string | null;

  @Index('uq_awards_declaration', { unique: true })
  @IdColumn('declaration_id', { nullable: true })
  declarationId: string | null;

  @IdColumn('awarded_by')
  awardedBy: string;

  @IdColumn('transfer_id')
  transferId: string;

  @CreatedAt()
  createdAt: Date;

  /** When an upheld appeal reversed this deduction; a reversed deduction is off the yellow board. */
  @DateTime3('reversed_at', { nullable: true })
  reversedAt: Date | null;

  @IdColumn('reversal_transfer_id', { nullable: true })
  reversalTransferId: string | null;
}
