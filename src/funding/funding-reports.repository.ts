import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { afterTimeId } from '../common/pagination';
import { affectedRows } from '../database/transaction.service';
import { FundingReportReviewEntity } from './entities/funding-report-review.entity';
import { FundingReportVersionEntity } from './entities/funding-report-version.entity';
import { FundingReportEntity } from './entities/funding-report.entity';
import { Where } from '../common/sql';

/** The columns of `funding_report_versions` written by a build (built_at is the database's clock). */
const VERSION_COLUMNS = 'report_id, version, figures, content_hash, build_ms, built_at';

export type NewReport = Omit<
  FundingReportEntity,
  'readyVersion' | 'submittedVersion' | 'error' | 'createdAt' | 'updatedAt'
>;
export type NewReview = Omit<FundingReportReviewEntity, 'createdAt'>;
export interface NewVersion {
  reportId: string;
  version: number;
  figures: string;
  contentHash: string;
  buildMs: number;
}

/** A report's place in a list (newest first). */
export interface ReportKeyRow {
  id: string;
  createdAt: Date;
}

/** The columns a review step may set besides the review status. */
export interface ReviewStepSet {
  submitted_version?: number | null;
}

/**
 * The statements of `funding_reports`, `funding_report_versions` and `funding_report_reviews`.
 * Changes of a report's state are conditional updates: each says whether it applied.
 */
@Injectable()
export class FundingReportsRepository {
  async insert(tx: EntityManager, report: NewReport): Promise<void> {
    await tx.getRepository(FundingReportEntity).insert(report);
  }

  find(tx: EntityManager, id: string): Promise<FundingReportEntity | null> {
    return tx.getRepository(FundingReportEntity).findOneBy({ id });
  }

  get(tx: EntityManager, id: string): Promise<FundingReportEntity> {
    return tx.getRepository(FundingReportEntity).findOneByOrFail({ id });
  }

  /** A page of reports, newest first, of these regions (all regions when null), after a cursor. */
  async page(
    tx: EntityManager,
    q: { regionIds: string[] | null; cursor: Array<string | number> | null; limit: number },
  ): Promise<ReportKeyRow[]> {
    if (q.regionIds && !q.regionIds.length) return [];
    const w = new Where().and(afterTimeId(q.cursor, 'created_at', 'id'));
    if (q.regionIds) w.and(`region_id IN (${q.regionIds.map(() => '?').join(', ')})`, ...q.regionIds);
    const rows: Array<{ id: string; created_at: Date }> = await tx.query(
      `SELECT id, created_at FROM funding_reports ${w.sql} ORDER BY created_at DESC, id DESC LIMIT ?`,
      [...w.params, q.limit],
    );
    return rows.map((r) => ({ id: r.id, createdAt: new Date(r.created_at) }));
  }

  /** Asks for a new version of a built draft or returned report. */
  async bumpVersion(tx: EntityManager, id: string, version: number): Promise<boolean> {
    return this.applied(
      tx,
      `UPDATE funding_reports SET version = version + 1, status = 'queued', error = NULL
        WHERE id = ? AND version = ? AND status IN ('ready', 'failed') AND review_status IN ('draft', 'returned')`,
      [id, version],
    );
  }

  /** Moves the review state of a built report from one of `from` to `to`. */
  async stepReview(
    tx: EntityManager,
    q: { id: string; from: string[]; to: string; readyVersion: number | null; set: ReviewStepSet },
  ): Promise<boolean> {
    const cols = Object.keys(q.set) as Array<keyof ReviewStepSet>;
    return this.applied(
      tx,
      `UPDATE funding_reports SET review_status = ?${cols.map((c) => `, ${c} = ?`).join('')}
        WHERE id = ? AND review_status IN (?) AND status = 'ready' AND ready_version = ?`,
      [q.to, ...cols.map((c) => q.set[c]), q.id, q.from, q.readyVersion],
    );
  }

  async markBuilding(tx: EntityManager, id: string, version: number): Promise<void> {
    await tx.query(
      "UPDATE funding_reports SET status = 'building', error = NULL WHERE id = ? AND version = ? AND status <> 'ready'",
      [id, version],
    );
  }

  async markReady(tx: EntityManager, id: string, version: number): Promise<void> {
    await tx.query(
      `UPDATE funding_reports SET status = 'ready', ready_version = ?, error = NULL
        WHERE id = ? AND version = ? AND (status <> 'ready' OR ready_version IS NULL OR ready_version < ?)`,
      [version, id, version, version],
    );
  }

  async markFailed(tx: EntityManager, id: string, version: number, error: string): Promise<void> {
    await tx.query(
      "UPDATE funding_reports SET status = 'failed', error = ? WHERE id = ? AND version = ? AND status <> 'ready'",
      [error, id, version],
    );
  }

  private async applied(tx: EntityManager, sql: string, params: unknown[]): Promise<boolean> {
    return affectedRows(await tx.query(sql, params)) > 0;
  }

  // ---- versions ----------------------------------------------------------------------------------

  findVersion(
    tx: EntityManager,
    reportId: string,
    version: number,
  ): Promise<FundingReportVersionEntity | null> {
    return tx.getRepository(FundingReportVersionEntity).findOneBy({ reportId, version });
  }

  async hasVersion(tx: EntityManager, reportId: string, version: number): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      'SELECT 1 AS x FROM funding_report_versions WHERE report_id = ? AND version = ?',
      [reportId, version],
    );
    return rows.length > 0;
  }

  /** Stores a built version; a duplicate key means another worker stored it first. */
  async insertVersion(tx: EntityManager, v: NewVersion): Promise<void> {
    await tx.query(
      `INSERT INTO funding_report_versions (${VERSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, CURRENT_TIMESTAMP(3))`,
      [v.reportId, v.version, v.figures, v.contentHash, v.buildMs],
    );
  }

  // ---- reviews -----------------------------------------------------------------------------------

  async insertReview(tx: EntityManager, review: NewReview): Promise<void> {
    await tx.getRepository(FundingReportReviewEntity).insert(review);
  }

  /** The review trail of a report, oldest first. */
  reviews(tx: EntityManager, reportId: string): Promise<FundingReportReviewEntity[]> {
    return tx
      .getRepository(FundingReportReviewEntity)
      .find({ where: { reportId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  async lastReview(tx: EntityManager, reportId: string): Promise<FundingReportReviewEntity | null> {
    const [last] = await tx.getRepository(FundingReportReviewEntity).find({
      where: { reportId },
      order: { createdAt: 'DESC', id: 'DESC' },
      take: 1,
    });
    return last ?? null;
  }
}
