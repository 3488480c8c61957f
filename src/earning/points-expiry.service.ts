import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor } from '../common/actor';
import { invalid, refuse } from '../common/errors';
import { newId } from '../common/ids';
import { TransactionService } from '../database/transaction.service';
import { ResidentDirectory } from '../identity/resident-directory.queries';
import { EarningLedgerQueries } from '../ledger/earning.queries';
import { LedgerService } from '../ledger/ledger.service';
import { PointsExpiryLedgerQueries } from '../ledger/points-expiry.queries';
import { OutboxService } from '../jobs/outbox.service';
import { QUEUES } from '../jobs/queues';
import { RegionsService } from '../regions/regions.service';
import { yearRange } from './earning-period';
import { asOfInstant, cutYearOf, expirable, MAX_AS_OF_AHEAD_DAYS } from './points-expiry-rules';
import {
  PointsExpiryRunRow,
  PointsExpiryRunsRepository,
  PointsExpiryStatus,
} from './points-expiry-runs.repository';
import { StandingsService } from './standings.service';

export const POINTS_EXPIRY_JOB = 'points_expiry.run';
/** Residents per transaction. */
export const POINTS_EXPIRY_BATCH = 500;

export interface PointsExpiryJob {
  runId: string;
}

export interface PointsExpiryRunView {
  id: string;
  communityId: string;
  asOf: Date;
  cutYear: number;
  validYears: number;
  status: PointsExpiryStatus;
  residentsExpired: number;
  pointsExpired: number;
  error: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  createdAt: Date;
}

const toView = (r: PointsExpiryRunRow): PointsExpiryRunView => ({
  id: r.id,
  communityId: r.community_id,
  asOf: r.as_of,
  cutYear: Number(r.cut_year),
  validYears: Number(r.valid_years),
  status: r.status,
  residentsExpired: Number(r.residents_expired),
  pointsExpired: Number(r.points_expired),
  error: r.error,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  createdAt: r.created_at,
});

/** The transfer id of a resident's expiry of the points earned up to a cut year: one per resident and year. */
export const expiryTransferId = (ledger: LedgerService, residentId: string, cutYear: number) =>
  ledger.deriveId('points_expiry', residentId, cutYear);

/**
 * Points expiry (积分过期): a community admin (or the city) asks for the points due at a date to
 * expire; a run row (one per community and date) and an outbox job; the worker goes through the
 * community's residents in batches under the run's lock, like the base grant. Per resident, under
 * the wallet's lock, what is left of the points earned up to the cut year (oldest spent first, open
 * orders' holds untouched) moves wallet → the community's `expiry_sink`, with a transfer id derived
 * from the resident and the cut year: a second run, for the same date or a later one, expires
 * nothing more.
 */
@Injectable()
export class PointsExpiryService {
  private readonly log = new Logger('PointsExpiry');

  constructor(
    private readonly tx: TransactionService,
    private readonly outbox: OutboxService,
    private readonly ledger: LedgerService,
    private readonly regions: RegionsService,
    private readonly residents: ResidentDirectory,
    private readonly wallets: EarningLedgerQueries,
    private readonly credits: PointsExpiryLedgerQueries,
    private readonly settings: StandingsService,
    private readonly runs: PointsExpiryRunsRepository,
  ) {}

  /** Queues the expiry due at `asOf`; a queued or running run is answered as it is, a finished one runs again. */
  async request(actor: Actor, communityId: string, asOfText: string): Promise<PointsExpiryRunView> {
    await this.regions.getCommunityInScope(actor, communityId);
    const asOf = asOfInstant(asOfText);
    if (Number.isNaN(asOf.getTime()))
      throw invalid('asOf', 'must be a date (2027-01-01) or a date-time with a zone');
    if (asOf.getTime() > Date.now() + MAX_AS_OF_AHEAD_DAYS * 86_400_000)
      throw invalid('asOf', `must be at most ${MAX_AS_OF_AHEAD_DAYS} days ahead`);
    const { pointsValidYears } = await this.settings.settingsOf(communityId);
    if (!pointsValidYears)
      throw refuse(
        'POINTS_NEVER_EXPIRE',
        { communityId },
        'the community’s points never expire (pointsValidYears)',
      );
    const cutYear = cutYearOf(asOf, pointsValidYears);
    return this.tx.run(async (em) => {
      const id = newId();
      const row = await this.runs.upsertQueued(em, {
        id,
        communityId,
        asOf,
        cutYear,
        validYears: pointsValidYears,
        requestedBy: actor.id,
      });
      let queue = row.id === id;
      if (!queue && (row.status === 'done' || row.status === 'failed')) {
        await this.runs.requeue(em, row.id, actor.id);
        queue = true;
      }
      if (queue)
        await this.outbox.add(em, QUEUES.earning, POINTS_EXPIRY_JOB, {
          runId: row.id,
        } satisfies PointsExpiryJob);
      return toView((await this.runs.byId(em, row.id))!);
    });
  }

  /** The job: runs the expiry to the end, one batch per transaction. Idempotent; a missing run throws. */
  async process(job: PointsExpiryJob, batchSize = POINTS_EXPIRY_BATCH): Promise<PointsExpiryRunView> {
    const run = await this.runs.peek(job.runId);
    if (!run) throw new Error(`points expiry job for a missing run ${job.runId}`);
    await this.tx.run((em) => this.runs.start(em, run.id));
    while (await this.tx.run((em) => this.batch(em, run.id, batchSize)));
    const after = (await this.runs.peek(run.id))!;
    this.log.log(
      `points expiry ${after.community_id} (cut ${after.cut_year}): ${after.status}, ${after.points_expired} points of ${after.residents_expired} residents`,
    );
    return toView(after);
  }

  async markFailed(job: PointsExpiryJob, error: string): Promise<void> {
    await this.tx.run((em) => this.runs.markFailed(em, job.runId, error.slice(0, 1000)));
  }

  /** One batch under the run's lock; returns whether more residents may follow. */
  private async batch(tx: EntityManager, runId: string, batchSize: number): Promise<boolean> {
    const run = await this.runs.lock(tx, runId);
    if (!run || run.status !== 'running') return false;
    const residents = await this.residents.idsAfter(
      tx,
      run.community_id,
      run.cursor_resident_id ?? '',
      batchSize,
    );
    const cutYear = Number(run.cut_year);
    const items = await this.expiries(tx, run.community_id, residents, cutYear);
    const recorded = new Set(await this.ledger.transferBatch(tx, items));
    const done = residents.length < batchSize;
    await this.runs.advance(tx, runId, {
      residents: recorded.size,
      points: items.filter((i) => recorded.has(i.id)).reduce((s, i) => s + i.amount, 0),
      lastResidentId: residents.at(-1) ?? null,
      done,
    });
    return !done;
  }

  /** The expiry transfers of these residents (wallets locked first, in id order), those with points due. */
  private async expiries(tx: EntityManager, communityId: string, residents: string[], cutYear: number) {
    const wallets = await this.wallets.walletIdsOf(tx, residents);
    if (!wallets.size) return [];
    const balances = await this.ledger.lockBalancesIn(tx, [...wallets.values()]);
    const credited = await this.credits.creditsBefore(tx, [...wallets.values()], yearRange(cutYear).to);
    const sink = await this.ledger.expirySinkOf(tx, communityId);
    return [...wallets].flatMap(([residentId, walletId]) => {
      const b = balances.get(walletId)!;
      const amount = expirable(credited.get(walletId) ?? 0, b.debitsPosted, b.debitsPending);
      if (!amount) return [];
      return [
        {
          id: expiryTransferId(this.ledger, residentId, cutYear),
          debitAccountId: walletId,
          creditAccountId: sink,
          amount,
          code: 'expiry',
          refType: 'points_expiry',
          refId: String(cutYear),
        },
      ];
    });
  }
}
