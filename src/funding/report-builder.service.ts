import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { hashRequest } from '../common/idempotency.service';
import { isDuplicateKey, TransactionService } from '../database/transaction.service';
import { RegionsService } from '../regions/regions.service';
import type { FundingReportEntity } from './entities/funding-report.entity';
import { FundingReportsRepository } from './funding-reports.repository';
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
 * report ready, in one transaction. Idempotent: a version already stored is not built again, a
 * superseded one is skipped.
 */
@Injectable()
export class ReportBuilderService {
  private readonly log = new Logger('FundingReports');

  constructor(
    private readonly tx: TransactionService,
    private readonly figures: ReportFiguresService,
    private readonly reports: FundingReportsRepository,
    private readonly regions: RegionsService,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async build(
    reportId: string,
    version: number,
  ): Promise<{ reportId: string; version: number; outcome: string }> {
    const report = await this.reports.find(this.db.manager, reportId);
    if (!report) throw new Error(`funding report ${reportId} does not exist`);
    if (report.version !== version)
      return { reportId, version, outcome: `superseded by version ${report.version}` };
    const stored = await this.reports.hasVersion(this.db.manager, reportId, version);
    const built = stored ? null : await this.compute(report, version);
    await this.tx.run(async (tx) => {
      if (built) await this.store(tx, reportId, version, built);
      await this.reports.markReady(tx, reportId, version);
    });
    if (built) this.log.debug(`report ${reportId} v${version} built in ${built.buildMs} ms`);
    return { reportId, version, outcome: stored ? 'already built' : 'built' };
  }

  /** After the last attempt: the version is `failed` (a regeneration may try again). */
  async markFailed(reportId: string, version: number, message: string): Promise<void> {
    await this.tx.run((tx) => this.reports.markFailed(tx, reportId, version, message.slice(0, 500)));
  }

  /** Marks the version building and reads its figures in one REPEATABLE READ snapshot. */
  private async compute(
    report: FundingReportEntity,
    version: number,
  ): Promise<{ computed: ComputedReport; buildMs: number }> {
    await this.tx.run((tx) => this.reports.markBuilding(tx, report.id, version));
    const region = await this.regions.get(report.regionId);
    if (!region) throw new Error(`region ${report.regionId} of funding report ${report.id} does not exist`);
    const started = Date.now();
    const computed = await this.tx.run(
      (tx) => this.figures.compute(tx, region, report.periodFrom, report.periodTo),
      { isolation: 'REPEATABLE READ' },
    );
    return { computed, buildMs: Date.now() - started };
  }

  /** Stores a built version; one built concurrently by another worker is kept (the first wins). */
  private async store(
    tx: EntityManager,
    reportId: string,
    version: number,
    built: { computed: ComputedReport; buildMs: number },
  ): Promise<void> {
    try {
      await this.reports.insertVersion(tx, {
        reportId,
        version,
        figures: JSON.stringify(built.computed),
        contentHash: contentHashOf(reportId, version, built.computed),
        buildMs: built.buildMs,
      });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
}
