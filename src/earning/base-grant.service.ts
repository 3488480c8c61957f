import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../common/actor';
import { notFound } from '../common/errors';
import { newId } from '../common/ids';
import { TransactionService } from '../database/transaction.service';
import { OutboxService } from '../jobs/outbox.service';
import { QUEUES } from '../jobs/queues';
import { LedgerService } from '../ledger/ledger.service';
import { RegionsService } from '../regions/regions.service';
import { BaseGrantRunEntity, BaseGrantStatus } from './entities/base-grant-run.entity';

export const BASE_GRANT_JOB = 'base_grant.run';
export const DEFAULT_BASE_GRANT_POINTS = 100;
/** Residents per transaction. */
export const BASE_GRANT_BATCH = 500;

export interface BaseGrantJob {
  communityId: string;
  year: number;
}

export interface BaseGrantRunView {
  id: string;
  communityId: string;
  year: number;
  status: BaseGrantStatus;
  points: number;
  granted: number;
  total: number;
  error: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  createdAt: Date;
}

const toView = (r: BaseGrantRunEntity): BaseGrantRunView => ({
  id: r.id,
  communityId: r.communityId,
  year: r.year,
  status: r.status,
  points: r.points,
  granted: r.granted,
  total: r.total,
  error: r.error,
  startedAt: r.startedAt,
  finishedAt: r.finishedAt,
  createdAt: r.createdAt,
});

/** The transfer id of one resident's base grant: the same resident, community and year → one transfer. */
export const baseGrantTransferId = (
  ledger: LedgerService,
  communityId: string,
  year: number,
  residentId: string,
) => ledger.deriveId('base_grant', communityId, year, residentId);

/**
 * The yearly base grant (基础分): every resident of a community gets the community's base points
 * once per year. A request writes the run row (UNIQUE per community and year) and an outbox job; the
 * worker grants in batches, each batch one transaction that holds the run row's lock (FOR UPDATE), so
 * concurrent jobs for the same run take turns, and each resident's transfer has a deterministic id,
 * so nothing is granted twice however often the grant is requested.
 */
@Injectable()
export class BaseGrantService {
  private readonly log = new Logger('BaseGrant');

  constructor(
    private readonly tx: TransactionService,
    private readonly outbox: OutboxService,
    private readonly ledger: LedgerService,
    private readonly regions: RegionsService,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  /**
   * Queues the grant. A run that is queued or running is returned as it is; a finished or failed run
   * is queued again (it then grants only residents who have none for that year, e.g. new arrivals).
   */
  async request(actor: Actor, communityId: string, year: number): Promise<BaseGrantRunView> {
    await this.regions.getCommunityInScope(actor, communityId);
    const points = (await this.regions.profileOf(communityId))?.baseGrantPoints ?? DEFAULT_BASE_GRANT_POINTS;
    return this.tx.run(async (em) => {
      // The upsert takes the row's exclusive lock at once, inserted or found (a plain INSERT that
      // hits the duplicate would take a shared lock first, and 50 concurrent requests would then
      // deadlock upgrading it). Our own id on the row afterwards means we created it.
      const id = newId();
      await em.query(
        `INSERT INTO base_grant_runs (id, community_id, year, status, points, granted, total, requested_by)
         VALUES (?, ?, ?, 'queued', ?, 0, 0, ?) ON DUPLICATE KEY UPDATE id = id`,
        [id, communityId, year, points, actor.id],
      );
      const [row]: Array<{ id: string; status: BaseGrantStatus }> = await em.query(
        'SELECT id, status FROM base_grant_runs WHERE community_id = ? AND year = ?',
        [communityId, year],
      );
      let queue = row.id === id;
      if (!queue && (row.status === 'done' || row.status === 'failed')) {
        await em.query(
          `UPDATE base_grant_runs
              SET status = 'queued', cursor_resident_id = NULL, error = NULL, finished_at = NULL, requested_by = ?
            WHERE id = ?`,
          [actor.id, row.id],
        );
        queue = true;
      }
      if (queue)
        await this.outbox.add(em, QUEUES.earning, BASE_GRANT_JOB, {
          communityId,
          year,
        } satisfies BaseGrantJob);
      return toView((await em.getRepository(BaseGrantRunEntity).findOneBy({ communityId, year }))!);
    });
  }

  async status(actor: Actor, communityId: string, year: number): Promise<BaseGrantRunView> {
    await this.regions.getCommunityInScope(actor, communityId);
    const run = await this.db.getRepository(BaseGrantRunEntity).findOneBy({ communityId, year });
    if (!run) throw notFound('base grant', `${communityId}/${year}`);
    return toView(run);
  }

  /** The job: runs the grant to the end, one batch per transaction. Idempotent; a missing run throws. */
  async process(job: BaseGrantJob, batchSize = BASE_GRANT_BATCH): Promise<BaseGrantRunView> {
    const run = await this.db.getRepository(BaseGrantRunEntity).findOneBy(job);
    if (!run)
      throw new Error(`base grant job for a missing run: community ${job.communityId}, year ${job.year}`);
    await this.tx.run(async (em) => {
      const [locked] = await this.lock(em, run.id);
      if (locked.status !== 'queued') return;
      const [{ n }] = await em.query(
        `SELECT COUNT(*) AS n FROM users WHERE region_id = ? AND active = 1 AND FIND_IN_SET('resident', roles) > 0`,
        [run.communityId],
      );
      await em.query(
        `UPDATE base_grant_runs SET status = 'running', total = ?, started_at = COALESCE(started_at, CURRENT_TIMESTAMP(3))
          WHERE id = ?`,
        [Number(n), run.id],
      );
    });
    for (;;) {
      await this.prepareWallets(run.id, batchSize);
      if (!(await this.tx.run((em) => this.batch(em, run.id, batchSize)))) break;
    }
    const after = (await this.db.getRepository(BaseGrantRunEntity).findOneBy({ id: run.id }))!;
    this.log.log(
      `base grant ${after.communityId}/${after.year}: ${after.status}, ${after.granted}/${after.total}`,
    );
    return toView(after);
  }

  /** Marks a run failed after its job's last attempt (a new request queues it again). */
  async markFailed(job: BaseGrantJob, error: string): Promise<void> {
    await this.tx.run((em) =>
      em.query(
        `UPDATE base_grant_runs SET status = 'failed', error = ?, finished_at = CURRENT_TIMESTAMP(3)
          WHERE community_id = ? AND year = ? AND status IN ('queued', 'running')`,
        [error.slice(0, 1000), job.communityId, job.year],
      ),
    );
  }

  /** One batch under the run's lock; returns whether more residents may follow. */
  private async batch(em: EntityManager, runId: string, batchSize: number): Promise<boolean> {
    const [run] = await this.lock(em, runId);
    if (run.status !== 'running') return false;
    const residents: Array<{ id: string }> = await em.query(
      `SELECT id FROM users
        WHERE region_id = ? AND active = 1 AND FIND_IN_SET('resident', roles) > 0 AND id > ?
        ORDER BY id LIMIT ?`,
      [run.community_id, run.cursor_resident_id ?? '', batchSize],
    );
    let recorded: string[] = [];
    if (residents.length) {
      const issuance = await this.ledger.issuanceOf(em, run.community_id);
      const wallets = await this.walletsOf(
        em,
        residents.map((r) => r.id),
      );
      const year = Number(run.year);
      recorded = await this.ledger.transferBatch(
        em,
        residents.map((r) => ({
          id: baseGrantTransferId(this.ledger, run.community_id, year, r.id),
          debitAccountId: issuance,
          creditAccountId: wallets.get(r.id)!,
          amount: Number(run.points),
          code: 'base_grant',
          refType: 'base_grant',
          refId: run.id,
        })),
      );
    }
    const last = residents.length < batchSize;
    await em.query(
      `UPDATE base_grant_runs
          SET granted = granted + ?, cursor_resident_id = COALESCE(?, cursor_resident_id),
              status = IF(?, 'done', status), finished_at = IF(?, CURRENT_TIMESTAMP(3), finished_at)
        WHERE id = ?`,
      [recorded.length, residents.at(-1)?.id ?? null, last, last, runId],
    );
    return !last;
  }

  private lock(
    em: EntityManager,
    runId: string,
  ): Promise<
    Array<{
      id: string;
      community_id: string;
      year: number;
      status: BaseGrantStatus;
      points: number;
      cursor_resident_id: string | null;
    }>
  > {
    return em.query(
      'SELECT id, community_id, year, status, points, cursor_resident_id FROM base_grant_runs WHERE id = ? FOR UPDATE',
      [runId],
    );
  }

  /**
   * Creates the missing wallets of the next batch before the batch takes the run's lock: several
   * short transaction getting-or-creating them in bulk through the LedgerService.
   * Harmless if repeated or raced (get-or-create), and it keeps the locked batch to bulk statements.
   */
  private async prepareWallets(runId: string, batchSize: number): Promise<void> {
    const [run] = await this.db.query(
      'SELECT community_id, status, cursor_resident_id FROM base_grant_runs WHERE id = ?',
      [runId],
    );
    if (!run || run.status !== 'running') return;
    const missing: Array<{ id: string }> = await this.db.query(
      `SELECT u.id FROM users u
        WHERE u.region_id = ? AND u.active = 1 AND FIND_IN_SET('resident', u.roles) > 0 AND u.id > ?
          AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.ledger = 'POINTS' AND a.kind = 'wallet'
                            AND a.owner_type = 'user' AND a.owner_id = u.id AND a.sub = '')
        ORDER BY u.id LIMIT ?`,
      [run.community_id, run.cursor_resident_id ?? '', batchSize],
    );
    if (missing.length)
      await this.tx.run((em) =>
        this.ledger.walletsOf(
          em,
          missing.map((r) => r.id),
        ),
      );
  }

  /**
   * Wallet account ids of many residents: existing wallets are read in one query (the ledger's tables
   * are readable, like any report does), missing ones are created through the LedgerService.
   */
  private async walletsOf(em: EntityManager, userIds: string[]): Promise<Map<string, string>> {
    const rows: Array<{ owner_id: string; id: string }> = await em.query(
      `SELECT owner_id, id FROM accounts
        WHERE ledger = 'POINTS' AND kind = 'wallet' AND owner_type = 'user' AND sub = '' AND owner_id IN (?)`,
      [userIds],
    );
    const map = new Map(rows.map((r) => [r.owner_id, r.id]));
    const missing = userIds.filter((id) => !map.has(id));
    if (missing.length) for (const [u, a] of await this.ledger.walletsOf(em, missing)) map.set(u, a);
    return map;
  }
}
