import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { hashRequest } from '../common/idempotency.service';
import { isDuplicateKey, TransactionService } from '../database/transaction.service';
import { RegionEntity } from '../regions/entities/region.entity';
import { FundingReportEntity } from './entities/funding-report.entity';
import { ComputedReport, ReportFiguresService } from './report-figures.service';

export const FUNDING_REPORT_BUILD_JOB = 'funding-report.build';
export type FundingReportJob = {
  name: typeof FUNDING_REPORT_BUILD_JOB;
  data: { reportId: string; version: number };
};

/** The sha256 of a version's content: its identity, the period, every figure (stable key order). */
export function contentHashOf(reportId: string, version: number, figures: ComputedReport): string {
  return hashRequest({ reportId, version, figures });
}

/**
 * Builds one version of a report: reads every figure in one REPEATABLE READ snapshot, then stores
 * the figures with their content hash as a new version row (never updated afterwards) and marks the
 * report ready. Idempotent: a version already stored is not built again, a superseded one is skipped.
 */
@Injectable()
export class ReportBuilderService {
  private readonly log = new Logger('FundingReports');

  constructor(
    private readonly tx: TransactionService,
    private readonly figures: ReportFiguresService,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async build(
    reportId: string,
    version: number,
  ): Promise<{ reportId: string; version: number; outcome: string }> {
    const report = await this.db.getRepository(FundingReportEntity).findOneBy({ id: reportId });
    if (!report) throw new Error(`funding report ${reportId} does not exist`);
    if (report.version !== version)
      return { reportId, version, outcome: `superseded by version ${report.version}` };
    const stored = await this.db.query(
      'SELECT 1 AS x FROM funding_report_versions WHERE report_id = ? AND version = ?',
      [reportId, version],
    );
    if (!stored.length) {
      await this.db.query(
        "UPDATE funding_reports SET status = 'building', error = NULL WHERE id = ? AND version = ? AND status <> 'ready'",
        [reportId, version],
      );
      const region = await this.db.getRepository(RegionEntity).findOneBy({ id: report.regionId });
      if (!region) throw new Error(`region ${report.regionId} of funding report ${reportId} does not exist`);
      const started = Date.now();
      const computed = await this.tx.run(
        (em) => this.figures.compute(em, region, report.periodFrom, report.periodTo),
        { isolation: 'REPEATABLE READ' },
      );
      const buildMs = Date.now() - started;
      try {
        await this.db.query(
          `INSERT INTO funding_report_versions (report_id, version, figures, content_hash, build_ms, built_at)
           VALUES (?, ?, ?, ?, ?, CURRENT_TIMESTAMP(3))`,
          [reportId, version, JSON.stringify(computed), contentHashOf(reportId, version, computed), buildMs],
        );
      } catch (err) {
        if (!isDuplicateKey(err)) throw err; // built concurrently by another worker: keep the first
      }
      this.log.debug(`report ${reportId} v${version} built in ${buildMs} ms`);
    }
    await this.db.query(
      `UPDATE funding_reports SET status = 'ready', ready_version = ?, error = NULL
        WHERE id = ? AND version = ? AND (status <> 'ready' OR ready_version IS NULL OR ready_version < ?)`,
      [version, reportId, version, version],
    );
    return { reportId, version, outcome: stored.length ? 'already built' : 'built' };
  }

  /** After the last attempt: the version is `failed` (a regeneration may try again). */
  async markFailed(reportId: string, version: number, message: string): Promise<void> {
    await this.db.query(
      "UPDATE funding_reports SET status = 'failed', error = ? WHERE id = ? AND version = ? AND status <> 'ready'",
      [message.slice(0, 500), reportId, version],
    );
  }
}
