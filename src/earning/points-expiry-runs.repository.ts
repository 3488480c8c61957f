import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

export type PointsExpiryStatus = 'queued' | 'running' | 'done' | 'failed';

/** A points expiry run as stored. */
export interface PointsExpiryRunRow {
  id: string;
  community_id: string;
  as_of: Date;
  cut_year: number;
  valid_years: number;
  status: PointsExpiryStatus;
  residents_expired: number;
  points_expired: string | number;
  cursor_resident_id: string | null;
  error: string | null;
  started_at: Date | null;
  finished_at: Date | null;
  created_at: Date;
}

/** The one column list of `points_expiry_runs` that reads select. */
const RUN_COLUMNS =
  'id, community_id, as_of, cut_year, valid_years, status, residents_expired, points_expired, cursor_resident_id, error, started_at, finished_at, created_at';

/** The statements of `points_expiry_runs` (one run per community and date). */
@Injectable()
export class PointsExpiryRunsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Inserts a queued run unless the community's run for that date exists, and returns it either
   * way under its exclusive lock (the upsert takes it at once). The run is ours when its id is ours.
   */
  async upsertQueued(
    tx: EntityManager,
    run: {
      id: string;
      communityId: string;
      asOf: Date;
      cutYear: number;
      validYears: number;
      requestedBy: string;
    },
  ): Promise<PointsExpiryRunRow> {
    await tx.query(
      `INSERT INTO points_expiry_runs (id, community_id, as_of, cut_year, valid_years, status, requested_by)
       VALUES (?, ?, ?, ?, ?, 'queued', ?) ON DUPLICATE KEY UPDATE id = id`,
      [run.id, run.communityId, run.asOf, run.cutYear, run.validYears, run.requestedBy],
    );
    const [row]: PointsExpiryRunRow[] = await tx.query(
      `SELECT ${RUN_COLUMNS} FROM points_expiry_runs WHERE community_id = ? AND as_of = ?`,
      [run.communityId, run.asOf],
    );
    return row;
  }

  /** A finished or failed run queued again from its first resident (what expired stays expired). */
  async requeue(tx: EntityManager, runId: string, requestedBy: string): Promise<void> {
    await tx.query(
      `UPDATE points_expiry_runs
          SET status = 'queued', cursor_resident_id = NULL, error = NULL, finished_at = NULL, requested_by = ?
        WHERE id = ? AND status IN ('done', 'failed')`,
      [requestedBy, runId],
    );
  }

  async lock(tx: EntityManager, runId: string): Promise<PointsExpiryRunRow | undefined> {
    const [row]: PointsExpiryRunRow[] = await tx.query(
      `SELECT ${RUN_COLUMNS} FROM points_expiry_runs WHERE id = ? FOR UPDATE`,
      [runId],
    );
    return row;
  }

  async byId(tx: EntityManager, runId: string): Promise<PointsExpiryRunRow | undefined> {
    const [row]: PointsExpiryRunRow[] = await tx.query(
      `SELECT ${RUN_COLUMNS} FROM points_expiry_runs WHERE id = ?`,
      [runId],
    );
    return row;
  }

  peek(runId: string): Promise<PointsExpiryRunRow | undefined> {
    return this.byId(this.db.manager, runId);
  }

  async start(tx: EntityManager, runId: string): Promise<void> {
    await tx.query(
      `UPDATE points_expiry_runs SET status = 'running', started_at = COALESCE(started_at, CURRENT_TIMESTAMP(3))
        WHERE id = ? AND status = 'queued'`,
      [runId],
    );
  }

  /** After a batch: counts what it expired, moves the cursor, and finishes the run after the last. */
  async advance(
    tx: EntityManager,
    runId: string,
    step: { residents: number; points: number; lastResidentId: string | null; done: boolean },
  ): Promise<void> {
    await tx.query(
      `UPDATE points_expiry_runs
          SET residents_expired = residents_expired + ?, points_expired = points_expired + ?,
              cursor_resident_id = COALESCE(?, cursor_resident_id),
              status = IF(?, 'done', status), finished_at = IF(?, CURRENT_TIMESTAMP(3), finished_at)
        WHERE id = ? AND status = 'running'`,
      [step.residents, step.points, step.lastResidentId, step.done, step.done, runId],
    );
  }

  async markFailed(tx: EntityManager, runId: string, error: string): Promise<void> {
    await tx.query(
      `UPDATE points_expiry_runs SET status = 'failed', error = ?, finished_at = CURRENT_TIMESTAMP(3)
        WHERE id = ? AND status IN ('queued', 'running')`,
      [error, runId],
    );
  }
}
