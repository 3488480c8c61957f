import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CreatedAt, DateTime3, IdColumn, UpdatedAt } from '../../database/columns';

/** One entry of a community's notice log (公示): append-only, hash-chained by `seq`. */
@Entity('notices')
@Index('idx_notices_ref', ['refType', 'refId'])
export class NoticeEntity {
  @PrimaryColumn({ name: 'community_id', type: 'char', length: 36 })
  communityId: string;

  @PrimaryColumn({ type: 'int' })
  seq: number;

  @Column({ type: 'varchar', length: 32 })
  kind: string;

  @Column({ type: 'varchar', length: 500 })
  summary: string;

  @Column({ name: 'ref_type', type: 'varchar', length: 32 })
  refType: string;

  @Column({ name: 'ref_id', type: 'varchar', length: 64 })
  refId: string;

  /** Set by the application (it is part of the hashed content), never by a default. */
  @DateTime3('created_at')
  createdAt: Date;

  @Column({ name: 'prev_hash', type: 'char', length: 64 })
  prevHash: string;

  @Column({ type: 'char', length: 64 })
  hash: string;
}

/** The head of a community's chain: appends lock this row (FOR UPDATE), so the chain never forks. */
@Entity('notice_chains')
export class NoticeChainEntity {
  @PrimaryColumn({ name: 'community_id', type: 'char', length: 36 })
  communityId: string;

  @Column({ type: 'int', default: 0 })
  length: number;

  @Column({ name: 'head_hash', type: 'char', length: 64 })
  headHash: string;

  @UpdatedAt()
  updatedAt: Date;
}

/** A resident's objection to a notice, within its display period. */
@Entity('notice_objections')
@Index('uq_notice_objections_resident', ['communityId', 'seq', 'residentId'], { unique: true })
@Index('idx_notice_objections_community', ['communityId', 'createdAt'])
export class NoticeObjectionEntity {
  @PrimaryColumn({ type: 'char', length: 36 })
  id: string;

  @IdColumn('community_id')
  communityId: string;

  @Column({ type: 'int' })
  seq: number;

  @IdColumn('resident_id')
  residentId: string;

  @Column({ type: 'varchar', length: 1000 })
  reason: string;

  @CreatedAt()
  createdAt: Date;
}
