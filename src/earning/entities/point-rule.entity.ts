import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CreatedAt, DateTime3, IdColumn, UpdatedAt } from '../../database/columns';

export const RULE_KINDS = ['indicator', 'item'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

/** A node of a community's rule book: an indicator (a heading, any depth) or an item (with points). */
@Entity('point_rules')
@Index('idx_point_rules_community', ['communityId', 'parentId'])
export class PointRuleEntity {
  @PrimaryColumn({ type: 'char', length: 36 })
  id: string;

  @IdColumn('community_id')
  communityId: string;

  @IdColumn('parent_id', { nullable: true })
  parentId: string | null;

  @Column({ type: 'varchar', length: 16 })
  kind: RuleKind;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  /** Items only: non-zero, negative for a deduction. */
  @Column({ type: 'int', nullable: true })
  points: number | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  category: string | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  description: string | null;

  @Column({ name: 'sort_order', type: 'int', default: 0 })
  sortOrder: number;

  @DateTime3('retired_at', { nullable: true })
  retiredAt: Date | null;

  @CreatedAt()
  createdAt: Date;

  @UpdatedAt()
  updatedAt: Date;
}
