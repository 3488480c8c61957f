import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../common/actor';
import { notFound } from '../common/errors';
import { newId } from '../common/ids';
import { TransactionService } from '../database/transaction.service';
import { OutboxService } from '../jobs/outbox.service';
import { QUEUES } from '../jobs/queues';
import { ResidentDirectory } from '../identity/resident-directory.queries';
import { EarningLedgerQueries } from '../ledger/earning.queries';
import { LedgerService } from '../ledger/ledger.service';
import { NoticesService } from '../notices/notices.service';
import { RegionsService } from '../regions/regions.service';
import { BaseGrantRunsRepository } from './base-grant-runs.repository';
import { baseGrantNotice } from './earning-notices';
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
    private readonly residents: ResidentDirectory,
    private readonly earned: EarningLedgerQueries,
    private readonly runs: BaseGrantRunsRepository,
    private readonly notices: NoticesService,
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
      const id = newId();
      const row = await this.runs.upsertQueued(em, { id, communityId, year, points, requestedBy: actor.id });
      let queue = row.id === id;
      if (!queue && (row.status === 'done' || row.status === 'failed')) {
        await this.runs.requeue(em, row.id, actor.id);
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
      const locked = await this.runs.lock(em, run.id);
      if (locked.status !== 'queued') return;
      await this.runs.start(em, run.id, await this.residents.countIn(em, run.communityId));
    });
    const pass = { granted: 0 };
    for (;;) {
      await this.prepareWallets(run.id, batchSize);
      if (!(await this.tx.run((em) => this.batch(em, run.id, batchSize, pass)))) break;
    }
    const after = (await this.db.getRepository(BaseGrantRunEntity).findOneBy({ id: run.id }))!;
    this.log.log(
      `base grant ${after.communityId}/${after.year}: ${after.status}, ${after.granted}/${after.total}`,
    );
    return toView(after);
  }

  /** Marks a run failed after its job's last attempt (a new request queues it again). */
  async markFailed(job: BaseGrantJob, error: string): Promise<void> {
    await this.tx.run((em) => this.runs.markFailed(em, job.communityId, job.year, error.slice(0, 1000)));
  }

  /** One batch under the run's lock; returns whether more residents may follow. */
  private async batch(
    tx: EntityManager,
    runId: string,
    batchSize: number,
    pass: { granted: number },
  ): Promise<boolean> {
    const run = await this.runs.lock(tx, runId);
    if (run.status !== 'running') return false;
    const residents = await this.residents.idsAfter(
      tx,
      run.community_id,
      run.cursor_resident_id ?? '',
      batchSize,
    );
    let recorded: string[] = [];
    if (residents.length) {
      const issuance = await this.ledger.issuanceOf(tx, run.community_id);
      const wallets = await this.walletsOf(tx, residents);
      const year = Number(run.year);
      recorded = await this.ledger.transferBatch(
        tx,
        residents.map((residentId) => ({
          id: baseGrantTransferId(this.ledger, run.community_id, year, residentId),
          debitAccountId: issuance,
          creditAccountId: wallets.get(residentId)!,
          amount: Number(run.points),
          code: 'base_grant',
          refType: 'base_grant',
          refId: run.id,
        })),
      );
    }
    const done = residents.length < batchSize;
    await this.runs.advance(tx, runId, {
      granted: recorded.length,
      lastResidentId: residents.at(-1) ?? null,
      done,
    });
    pass.granted += recorded.length;
    if (done) await this.publish(tx, runId, pass.granted);
    return !done;
  }

  /**
   * The run's notice (公示), in the transaction of its last batch: one per run, and one more when a
   * run queued again granted someone new (not when it granted nobody: a repeated request).
   */
  private async publish(tx: EntityManager, runId: string, grantedNow: number): Promise<void> {
    const run = (await tx.getRepository(BaseGrantRunEntity).findOneBy({ id: runId }))!;
    if (grantedNow === 0 && (await this.notices.published(tx, run.communityId, 'base_grant', runId))) return;
    await this.notices.publish(
      tx,
      baseGrantNotice({
        runId,
        communityId: run.communityId,
        year: run.year,
        points: run.points,
        granted: run.granted,
      }),
    );
  }

  /**
   * Creates the missing wallets of the next batch before the batch takes the run's lock: several
   * short transaction getting-or-creating them in bulk through the LedgerService.
   * Harmless if repeated or raced (get-or-create), and it keeps the locked batch to bulk statements.
   */
  private async prepareWallets(runId: string, batchSize: number): Promise<void> {
    const run = await this.runs.peek(runId);
    if (!run || run.status !== 'running') return;
    const next = await this.residents.idsAfter(
      this.db.manager,
      run.community_id,
      run.cursor_resident_id ?? '',
      batchSize,
    );
    const missing = await this.earned.withoutWallet(next);
    if (missing.length) await this.tx.run((em) => this.ledger.walletsOf(em, missing));
  }

  /**
   * Wallet account ids of many residents: existing wallets are read in one query (the ledger's
   * earning queries), missing ones are created through the LedgerService.
   */
  private async walletsOf(tx: EntityManager, userIds: string[]): Promise<Map<string, string>> {
    const map = await this.earned.walletIdsOf(tx, userIds);
    const missing = userIds.filter((id) => !map.has(id));
    if (missing.length) for (const [u, a] of await this.ledger.walletsOf(tx, missing)) map.set(u, a);
    return map;
  }
}
