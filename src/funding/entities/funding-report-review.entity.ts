import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CreatedAt, IdColumn } from '../../database/columns';
import type { ReviewAction, ReviewStatus } from '../report-review';

/** The review trail: every submit, resubmit, approve and return, kept for good. */
@Entity('funding_report_reviews')
@Index('idx_funding_report_reviews_report', ['reportId', 'createdAt'])
export class FundingReportReviewEntity {
  @PrimaryColumn({ type: 'char', length: 36 })
  id: string;

  @IdColumn('report_id')
  reportId: string;

  @Column({ type: 'int' })
  version: number;

  @Column({ type: 'varchar', length: 12 })
  action: ReviewAction;

  @Column({ name: 'from_status', type: 'varchar', length: 12 })
  fromStatus: ReviewStatus;

  @Column({ name: 'to_status', type: 'varchar', length: 12 })
  toStatus: ReviewStatus;

  @IdColumn('actor_id')
  actorId: string;

  @Column({ name: 'actor_name', type: 'varchar', length: 100 })
  actorName: string;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  comment: string | null;

  @CreatedAt()
  createdAt: Date;
}
