import { Inject, Injectable, StreamableFile } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, hasRole, regionInScope } from '../common/actor';
import { DomainError } from '../common/domain-error';
import { conflict, forbidden, invalid, invalidState, notFound, refuse } from '../common/errors';
import { IdempotencyService } from '../common/idempotency.service';
import { newId } from '../common/ids';
import { decodeCursor, TIME_ID, Page, pageLimit, toPage } from '../common/pagination';
import { APP_CONFIG, AppConfig } from '../config/configuration';
import { TransactionService } from '../database/transaction.service';
import { OutboxService } from '../jobs/outbox.service';
import { QUEUES } from '../jobs/queues';
import { RegionReportQueries } from '../regions/region-report.queries';
import { NoticesService } from '../notices/notices.service';
import { isCommunityKind, RegionsService } from '../regions/regions.service';
import { fundingReportNotice } from './funding-notices';
import {
  CreateFundingReportDto,
  ListFundingReportsQuery,
  ReviewFundingReportDto,
  SubmitFundingReportDto,
} from './dto/funding.dto';
import type { FundingReportReviewEntity } from './entities/funding-report-review.entity';
import type { FundingReportVersionEntity } from './entities/funding-report-version.entity';
import type { FundingReportEntity } from './entities/funding-report.entity';
import { FundingReportsRepository, ReviewStepSet } from './funding-reports.repository';
import { contentHashOf, FUNDING_REPORT_BUILD_JOB } from './report-builder.service';
import { renderChart } from './report-chart';
import { renderCsv } from './report-csv';
import { ReportDocument, ReviewTrailEntry } from './report-document';
import type { ComputedReport } from './report-figures.service';
import { FontStack, resolveReportFonts } from './report-font';
import { PERIOD_RULE, instantOf, periodLabel } from './report-period';
import { renderPdf } from './report-pdf';
import {
  canRegenerate,
  canReview,
  REVIEW_TRANSITIONS,
  ReviewAction,
  ReviewStatus,
  submitActionFor,
} from './report-review';

/** Periods longer than this are refused (a report covers a year or less, with room for a fiscal overlap). */
const MAX_PERIOD_DAYS = 3 * 366;

export interface FundingReportView {
  id: string;
  status: FundingReportEntity['status'];
  reviewStatus: FundingReportEntity['reviewStatus'];
  regionId: string;
  regionName: string | null;
  from: string;
  to: string;
  /** The period as people read it, in China time: "2026-01-01 至 2026-06-30（含）". */
  periodLabel: string;
  /** The version whose figures are shown (null until the first build is ready). */
  version: number | null;
  /** The newest version asked for (being built when `status` is queued or building). */
  latestVersion: number;
  submittedVersion: number | null;
  contentHash: string | null;
  /** The stored figures still hash to `contentHash`. */
  hashVerified: boolean | null;
  builtAt: string | null;
  error: string | null;
  totals: ComputedReport['totals'] | null;
  communities: ComputedReport['communities'];
  reviews: ReviewTrailEntry[];
  requestedBy: string;
  createdAt: string;
}

/** For messages: "an approved report cannot be submitted: it is final". */
const REVIEW_STATE_PHRASES: Record<ReviewStatus, string> = {
  draft: 'a draft report',
  submitted: 'a submitted report',
  approved: 'an approved report',
  returned: 'a returned report',
};
const REVIEW_STATE_HINTS: Record<ReviewStatus, string> = {
  draft: 'submit it for review first',
  submitted: 'it waits for the street office to approve or return it',
  approved: 'it is final',
  returned: 'regenerate it if needed, then submit it again',
};
const ACTION_PAST: Record<ReviewAction, string> = {
  submit: 'submitted',
  resubmit: 'resubmitted',
  approve: 'approved',
  return: 'returned',
};

const periodProblem = (problem: string) => invalid('to', problem);

const toTrail = (r: FundingReportReviewEntity): ReviewTrailEntry => ({
  id: r.id,
  version: r.version,
  action: r.action,
  fromStatus: r.fromStatus,
  toStatus: r.toStatus,
  actorId: r.actorId,
  actorName: r.actorName,
  comment: r.comment,
  at: r.createdAt.toISOString(),
});

/**
 * Funding reports: requested through the API (202, built by the reports queue), read as JSON, CSV,
 * chart and PDF, and reviewed: draft → submitted → approved | returned → submitted again. Only the
 * street office above the report's region reviews. A submitted version is frozen (its figures and
 * hash are a row that is never updated); figures are rebuilt only as a new version, and only while
 * the report is a draft or was returned.
 */
@Injectable()
export class FundingReportsService {
  /** The fonts of charts and PDFs, once found (a missing font is looked for again on the next request). */
  private fonts: FontStack | null = null;

  constructor(
    private readonly tx: TransactionService,
    private readonly idempotency: IdempotencyService,
    private readonly outbox: OutboxService,
    private readonly regions: RegionsService,
    private readonly regionReports: RegionReportQueries,
    private readonly reports: FundingReportsRepository,
    private readonly notices: NoticesService,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async request(actor: Actor, dto: CreateFundingReportDto, key?: string): Promise<FundingReportView> {
    await this.regions.getInScope(actor, dto.regionId);
    const from = instantOf(dto.from);
    const to = instantOf(dto.to);
    if (to.getTime() <= from.getTime()) throw periodProblem(`must be after from (${PERIOD_RULE})`);
    if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * 86_400_000)
      throw periodProblem(`the period may cover at most ${MAX_PERIOD_DAYS} days (${PERIOD_RULE})`);
    const id = await this.idempotency.run(
      { scope: `funding-reports:${actor.id}`, key, request: dto },
      async (tx) => {
        const reportId = newId();
        await this.reports.insert(tx, {
          id: reportId,
          regionId: dto.regionId,
          periodFrom: from,
          periodTo: to,
          status: 'queued',
          reviewStatus: 'draft',
          version: 1,
          requestedBy: actor.id,
        });
        await this.outbox.add(tx, QUEUES.reports, FUNDING_REPORT_BUILD_JOB, { reportId, version: 1 });
        return reportId;
      },
    );
    return this.get(actor, id);
  }

  /** Builds the figures again as a new version (draft or returned reports only). */
  async regenerate(actor: Actor, id: string): Promise<FundingReportView> {
    const report = await this.visible(actor, id);
    if (!canRegenerate(report.reviewStatus) || !['ready', 'failed'].includes(report.status)) {
      throw invalidState(
        report.reviewStatus === 'submitted' || report.reviewStatus === 'approved'
          ? 'a submitted report is frozen'
          : 'the report is being built',
        { reportId: id, status: report.status, reviewStatus: report.reviewStatus },
      );
    }
    await this.tx.run(async (tx) => {
      if (!(await this.reports.bumpVersion(tx, id, report.version)))
        throw conflict('the report changed meanwhile; try again', { reportId: id });
      await this.outbox.add(tx, QUEUES.reports, FUNDING_REPORT_BUILD_JOB, {
        reportId: id,
        version: report.version + 1,
      });
    });
    return this.get(actor, id);
  }

  async get(actor: Actor, id: string, version?: number): Promise<FundingReportView> {
    const report = await this.visible(actor, id);
    return this.view(report, version);
  }

  async list(actor: Actor, q: ListFundingReportsQuery): Promise<Page<FundingReportView>> {
    const limit = pageLimit(q);
    const cursor = decodeCursor(q.cursor, TIME_ID);
    const pool = this.db.manager;
    let regionIds =
      actor.regionPath !== null ? await this.regionReports.idsUnder(pool, actor.regionPath) : null;
    if (q.regionId) {
      await this.regions.getInScope(actor, q.regionId); // another tenant's region: 404
      regionIds = (regionIds ?? [q.regionId]).filter((r) => r === q.regionId);
    }
    const rows = await this.reports.page(pool, { regionIds, cursor, limit: limit + 1 });
    const page = toPage(rows, limit, (r) => [r.createdAt.toISOString(), r.id]);
    const items = await Promise.all(
      page.items.map(async (r) => this.view(await this.reports.get(pool, r.id))),
    );
    return { items, nextCursor: page.nextCursor };
  }

  /** Community staff of the region or the street office send the shown version for review. */
  async submit(actor: Actor, id: string, dto: SubmitFundingReportDto = {}): Promise<FundingReportView> {
    const report = await this.visible(actor, id);
    const action = submitActionFor(report.reviewStatus);
    if (!action) throw this.wrongState(report, 'submit');
    this.assertBuilt(report);
    await this.step(actor, report, action, dto.comment ?? null, { submitted_version: report.readyVersion });
    return this.get(actor, id);
  }

  /**
   * The street office above the region approves or returns a submitted report. Anyone else of an
   * allowed role sees a 404 (another street's report) or a 403 (the route is for street officers);
   * the officer who submitted a report does not review it.
   */
  async review(actor: Actor, id: string, dto: ReviewFundingReportDto): Promise<FundingReportView> {
    const report = await this.visible(actor, id);
    if (!hasRole(actor, 'street_officer'))
      throw forbidden('only the street office above the region reviews', { reportId: id });
    const action: ReviewAction = dto.decision === 'approve' ? 'approve' : 'return';
    if (!canReview(action, report.reviewStatus)) throw this.wrongState(report, action);
    const last = await this.reports.lastReview(this.db.manager, id);
    if (last && last.actorId === actor.id && last.toStatus === 'submitted')
      throw refuse(
        'SELF_REVIEW_FORBIDDEN',
        { reportId: id },
        'you submitted this report: another officer reviews it',
      );
    const publish = action === 'approve' ? await this.approvalNotices(report) : undefined;
    await this.step(actor, report, action, dto.comment ?? null, {}, publish);
    return this.get(actor, id);
  }

  /** An approved report's notice (公示) in the log of every community it covers, in community order. */
  private async approvalNotices(report: FundingReportEntity): Promise<(tx: EntityManager) => Promise<void>> {
    const figures = JSON.parse((await this.versionRow(report))!.figures) as ComputedReport;
    const ids = figures.communities
      .filter((c) => isCommunityKind(c.kind as Parameters<typeof isCommunityKind>[0]))
      .map((c) => c.regionId);
    return async (tx) => {
      for (const communityId of [...ids].sort())
        await this.notices.publish(tx, fundingReportNotice(report, communityId, figures.regionName));
    };
  }

  /** The CSV, chart or PDF of a built version. */
  async file(
    actor: Actor,
    id: string,
    format: 'csv' | 'png' | 'pdf',
    version?: number,
  ): Promise<StreamableFile> {
    const doc = await this.document(actor, id, version);
    const base = `funding-report-${doc.regionName}-v${doc.version}`;
    if (format === 'csv') return this.streamable(renderCsv(doc), 'text/csv; charset=utf-8', `${base}.csv`);
    this.fonts ??= resolveReportFonts(this.config.reportFontPath);
    const chart = renderChart(doc, this.fonts);
    if (format === 'png') return this.streamable(chart, 'image/png', `${base}.png`, 'inline');
    return this.streamable(await renderPdf(doc, chart, this.fonts), 'application/pdf', `${base}.pdf`);
  }

  async document(actor: Actor, id: string, version?: number): Promise<ReportDocument> {
    const report = await this.visible(actor, id);
    const v = await this.versionRow(report, version);
    if (!v) this.assertBuilt(report);
    const figures = JSON.parse(v!.figures) as ComputedReport;
    return {
      ...figures,
      reportId: report.id,
      version: v!.version,
      reviewStatus: report.reviewStatus,
      contentHash: v!.contentHash,
      builtAt: v!.builtAt.toISOString(),
      reviews: await this.trail(id),
    };
  }

  // ---- helpers -----------------------------------------------------------------------------------

  /** The report when its region is in the caller's scope; 404 otherwise (like a missing one). */
  private async visible(actor: Actor, id: string): Promise<FundingReportEntity> {
    const report = await this.reports.find(this.db.manager, id);
    if (!report) throw notFound('fundingReport', id);
    const region = await this.regions.get(report.regionId);
    if (!region || !regionInScope(actor, region.path)) throw notFound('fundingReport', id);
    return report;
  }

  private assertBuilt(report: FundingReportEntity): void {
    if (report.status === 'ready' && report.readyVersion !== null) return;
    throw invalidState(
      report.status === 'failed' ? 'the report could not be built' : 'the report is not built yet',
      { reportId: report.id, status: report.status },
    );
  }

  private wrongState(report: FundingReportEntity, action: ReviewAction): DomainError {
    const s = report.reviewStatus;
    return invalidState(
      `${REVIEW_STATE_PHRASES[s]} cannot be ${ACTION_PAST[action]}: ${REVIEW_STATE_HINTS[s]}`,
      {
        reportId: report.id,
        reviewStatus: s,
        action,
      },
    );
  }

  /** One review step: a conditional update on the review state, and its line in the trail. */
  private async step(
    actor: Actor,
    report: FundingReportEntity,
    action: ReviewAction,
    comment: string | null,
    set: ReviewStepSet = {},
    andThen?: (tx: EntityManager) => Promise<void>,
  ): Promise<void> {
    const t = REVIEW_TRANSITIONS[action];
    await this.tx.run(async (tx) => {
      const q = { id: report.id, from: [...t.from], to: t.to, readyVersion: report.readyVersion, set };
      if (!(await this.reports.stepReview(tx, q)))
        throw conflict('the report changed meanwhile; reload it', { reportId: report.id });
      await this.reports.insertReview(tx, {
        id: newId(),
        reportId: report.id,
        version: report.readyVersion!,
        action,
        fromStatus: report.reviewStatus,
        toStatus: t.to,
        actorId: actor.id,
        actorName: actor.displayName,
        comment,
      });
      if (andThen) await andThen(tx);
    });
  }

  private async versionRow(
    report: FundingReportEntity,
    version?: number,
  ): Promise<FundingReportVersionEntity | null> {
    const v = version ?? report.readyVersion;
    if (v === null || v === undefined) return null;
    const row = await this.reports.findVersion(this.db.manager, report.id, v);
    if (!row && version !== undefined) throw notFound('fundingReportVersion', String(version));
    return row;
  }

  private trail(reportId: string): Promise<ReviewTrailEntry[]> {
    return this.reports.reviews(this.db.manager, reportId).then((rows) => rows.map(toTrail));
  }

  private async view(report: FundingReportEntity, version?: number): Promise<FundingReportView> {
    const region = await this.regions.get(report.regionId);
    const v = await this.versionRow(report, version);
    const figures = v ? (JSON.parse(v.figures) as ComputedReport) : null;
    return {
      id: report.id,
      status: report.status,
      reviewStatus: report.reviewStatus,
      regionId: report.regionId,
      regionName: region?.name ?? null,
      from: report.periodFrom.toISOString(),
      to: report.periodTo.toISOString(),
      periodLabel: periodLabel(report.periodFrom.toISOString(), report.periodTo.toISOString()),
      version: v?.version ?? null,
      latestVersion: report.version,
      submittedVersion: report.submittedVersion,
      contentHash: v?.contentHash ?? null,
      hashVerified: v && figures ? contentHashOf(report.id, v.version, figures) === v.contentHash : null,
      builtAt: v ? v.builtAt.toISOString() : null,
      error: report.error,
      totals: figures?.totals ?? null,
      communities: figures?.communities ?? [],
      reviews: await this.trail(report.id),
      requestedBy: report.requestedBy,
      createdAt: report.createdAt.toISOString(),
    };
  }

  private streamable(
    body: Buffer,
    type: string,
    filename: string,
    disposition: 'inline' | 'attachment' = 'attachment',
  ): StreamableFile {
    const ascii = filename.replace(/[^A-Za-z0-9._-]/g, '_');
    return new StreamableFile(body, {
      type,
      length: body.length,
      disposition: `${disposition}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`,
    });
  }
}
