import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CreatedAt, DateTime3, IdColumn, UpdatedAt } from '../../database/columns';

export const BASE_GRANT_STATUSES = ['queued', 'running', 'done', 'failed'] as const;
export type BaseGrantStatus = (typeof BASE_GRANT_STATUSES)[number];

/** One yearly base grant (基础分) of a community, with its progress. */
@Entity('base_grant_runs')
@Index('uq_base_grant_runs', ['communityId', 'year'], { unique: true })
export class BaseGrantRunEntity {
  @PrimaryColumn({ type: 'char', length: 36 })
  id: string;

  @IdColumn('community_id')
  communityId: string;

  @Column({ type: 'int' })
  year: number;

  @Column({ type: 'varchar', length: 16 })
  status: BaseGrantStatus;

  /** Points per resident, fixed when the run is first requested. */
  @Column({ type: 'int' })
  points: number;

  @Column({ type: 'int', default: 0 })
  granted: number;

  @Column({ type: 'int', default: 0 })
  total: number;

  /** The last resident (by id) of the last committed batch. */
  @IdColumn('cursor_resident_id', { nullable: true })
  cursorResidentId: string | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  error: string | null;

  @IdColumn('requested_by', { nullable: true })
  requestedBy: string | null;

  @DateTime3('started_at', { nullable: true })
  startedAt: Date | null;

  @DateTime3('finished_at', { nullable: true })
  finishedAt: Date | null;

  @CreatedAt()
  createdAt: Date;

  @UpdatedAt()
  updatedAt: Date;
}
