import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { BaseGrantStatus } from './entities/base-grant-run.entity';

/** A run as the grant's statements read it. */
export interface BaseGrantRunRow {
  id: string;
  community_id: string;
  year: number;
  status: BaseGrantStatus;
  points: number;
  cursor_resident_id: string | null;
}

/** The one column list of `base_grant_runs` that raw reads select. */
const RUN_COLUMNS = 'id, community_id, year, status, points, cursor_resident_id';

/** The statements of `base_grant_runs` (reads of whole views go through the entity's repository). */
@Injectable()
export class BaseGrantRunsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Inserts a queued run unless the community's run of that year exists, and returns the run either
   * way, holding its exclusive lock (the upsert takes it at once, inserted or found: a plain INSERT
   * that hits the duplicate would take a shared lock first, and concurrent requests would deadlock
   * upgrading it). The run is ours when its id is the one we passed.
   */
  async upsertQueued(
    tx: EntityManager,
    run: { id: string; communityId: string; year: number; points: number; requestedBy: string },
  ): Promise<BaseGrantRunRow> {
    await tx.query(
      `INSERT INTO base_grant_runs (id, community_id, year, status, points, granted, total, requested_by)
       VALUES (?, ?, ?, 'queued', ?, 0, 0, ?) ON DUPLICATE KEY UPDATE id = id`,
      [run.id, run.communityId, run.year, run.points, run.requestedBy],
    );
    const [row]: BaseGrantRunRow[] = await tx.query(
      `SELECT ${RUN_COLUMNS} FROM base_grant_runs WHERE community_id = ? AND year = ?`,
      [run.communityId, run.year],
    );
    return row;
  }

  /** A finished or failed run queued again, from the start of its residents. */
  async requeue(tx: EntityManager, runId: string, requestedBy: string): Promise<void> {
    await tx.query(
      `UPDATE base_grant_runs
          SET status = 'queued', cursor_resident_id = NULL, error = NULL, finished_at = NULL, requested_by = ?
        WHERE id = ?`,
      [requestedBy, runId],
    );
  }

  /** The run, locked (FOR UPDATE) for the rest of the transaction. */
  async lock(tx: EntityManager, runId: string): Promise<BaseGrantRunRow> {
    const [row]: BaseGrantRunRow[] = await tx.query(
      `SELECT ${RUN_COLUMNS} FROM base_grant_runs WHERE id = ? FOR UPDATE`,
      [runId],
    );
    return row;
  }

  /** The run as it is now, without a lock (outside a transaction), or undefined. */
  async peek(runId: string): Promise<BaseGrantRunRow | undefined> {
    const [row]: BaseGrantRunRow[] = await this.db.query(
      `SELECT ${RUN_COLUMNS} FROM base_grant_runs WHERE id = ?`,
      [runId],
    );
    return row;
  }

  async start(tx: EntityManager, runId: string, total: number): Promise<void> {
    await tx.query(
      `UPDATE base_grant_runs SET status = 'running', total = ?, started_at = COALESCE(started_at, CURRENT_TIMESTAMP(3))
        WHERE id = ?`,
      [total, runId],
    );
  }

  /** After a batch: counts what it granted, moves the cursor, and finishes the run after the last. */
  async advance(
    tx: EntityManager,
    runId: string,
    step: { granted: number; lastResidentId: string | null; done: boolean },
  ): Promise<void> {
    await tx.query(
      `UPDATE base_grant_runs
          SET granted = granted + ?, cursor_resident_id = COALESCE(?, cursor_resident_id),
              status = IF(?, 'done', status), finished_at = IF(?, CURRENT_TIMESTAMP(3), finished_at)
        WHERE id = ?`,
      [step.granted, step.lastResidentId, step.done, step.done, runId],
    );
  }

  async markFailed(tx: EntityManager, communityId: string, year: number, error: string): Promise<void> {
    await tx.query(
      `UPDATE base_grant_runs SET status = 'failed', error = ?, finished_at = CURRENT_TIMESTAMP(3)
        WHERE community_id = ? AND year = ? AND status IN ('queued', 'running')`,
      [error, communityId, year],
    );
  }
}
