import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CreatedAt, DateTime3, IdColumn, UpdatedAt } from '../../database/columns';
import type { ReportBuildStatus, ReviewStatus } from '../report-review';

/**
 * A funding report for a region and a period. `version` is the build asked for last (`status` is
 * its state); `ready_version` the newest built one, whose figures the API shows; `submitted_version`
 * the one sent for review (frozen: its figures and hash never change).
 */
@Entity('funding_reports')
@Index('idx_funding_reports_region', ['regionId', 'createdAt'])
export class FundingReportEntity {
  @PrimaryColumn({ type: 'char', length: 36 })
  id: string;

  @IdColumn('region_id')
  regionId: string;

  @DateTime3('period_from')
  periodFrom: Date;

  @DateTime3('period_to')
  periodTo: Date;

  @Column({ type: 'varchar', length: 12 })
  status: ReportBuildStatus;

  @Column({ name: 'review_status', type: 'varchar', length: 12, default: 'draft' })
  reviewStatus: ReviewStatus;

  @Column({ type: 'int', default: 1 })
  version: number;

  @Column({ name: 'ready_version', type: 'int', nullable: true })
  readyVersion: number | null;

  @Column({ name: 'submitted_version', type: 'int', nullable: true })
  submittedVersion: number | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  error: string | null;

  @IdColumn('requested_by')
  requestedBy: string;

  @CreatedAt()
  createdAt: Date;

  @UpdatedAt()
  updatedAt: Date;
}
