import { Column, Entity, PrimaryColumn } from 'typeorm';
import { DateTime3 } from '../../database/columns';

/** One build of a report: its figures (JSON) and their sha256. Written once, never updated. */
@Entity('funding_report_versions')
export class FundingReportVersionEntity {
  @PrimaryColumn({ name: 'report_id', type: 'char', length: 36 })
  reportId: string;

  @PrimaryColumn({ type: 'int' })
  version: number;

  @Column({ type: 'longtext' })
  figures: string;

  @Column({ name: 'content_hash', type: 'char', length: 64 })
  contentHash: string;

  @Column({ name: 'build_ms', type: 'int', default: 0 })
  buildMs: number;

  @DateTime3('built_at', { default: () => 'CURRENT_TIMESTAMP(3)' })
  builtAt: Date;
}
