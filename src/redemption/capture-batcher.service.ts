import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../common/actor';
import { DomainError } from '../common/domain-error';
import { GroupCommit, GroupCommitStats, Outcome } from '../common/group-commit';
import { IdempotencyService, idempotencyKeyOf } from '../common/idempotency.service';
import { TransactionService } from '../database/transaction.service';
import { toOrderView } from '../orders/orders.service';
import { OrderEntity, RedemptionCaptureQueries } from '../orders/redemption-capture.queries';
import { judgeVoucher } from './redemption-rules';
import { planCaptures, ScanPlan } from './capture-plan';
import {
  assertNotOwnVoucher,
  CaptureBy,
  CaptureService,
  Captured,
  FactMaps,
  invalidCode,
  ownVoucher,
  RedeemedNames,
  voucherError,
  voucherFacts,
} from './capture.service';
import type { RedemptionResult, VoucherFacts } from './dto/redemption.dto';
import { ScanAuditRepository } from './scan-audit.repository';

/** The scan audit line of an online scan (its outcome is filled in when it is answered). */
export interface AuditLine {
  actorId: string;
  organizationId: string | null;
  deviceId: string | null;
  outcome: string;
  orderId: string | null;
}

/** An online scan whose code checked out (signature, voucher, the caller works for its organisation). */
export interface OnlineScan {
  actor: Actor;
  orderId: string;
  organizationId: string;
  deviceId: string | null;
  key?: string;
  line: AuditLine;
}

/**
 * The largest batch, the longest a first scan waits for others (ms), and the batches of one process
 * in the database at once: two, so that one gathers its locks and writes while the other commits
 * (they meet only on the provider's account row, which each takes last).
 */
const MAX_BATCH = 256;
const MAX_WAIT_MS = 2;
const MAX_IN_FLIGHT = 2;

const scopeOf = (s: OnlineScan) => `redemptions:${s.actor.id}`;

const ALREADY_REDEEMED = { ok: false, code: 'ALREADY_REDEEMED', dispute: 'already_redeemed' } as const;

const outcomeCode = (o: Outcome<unknown>): string =>
  o.ok ? 'REDEEMED' : o.error instanceof DomainError ? o.error.code : 'INTERNAL_ERROR';

const auditRow = (l: AuditLine) => ({
  actor_id: l.actorId,
  organization_id: l.organizationId,
  device_id: l.deviceId,
  outcome: l.outcome,
  order_id: l.orderId,
});

/** Who and where, by name, for ALREADY_REDEEMED. */
const redeemedNames = (order: OrderEntity, maps: FactMaps): RedeemedNames => ({
  organizationName: maps.orgNames.get(order.providerOrganizationId) ?? null,
  redeemedByName: order.redeemedBy ? (maps.names.get(order.redeemedBy) ?? null) : null,
});

/** The answer to a scan that captured: the order as it is now, with the counter's facts. */
function resultOf(s: OnlineScan, done: Captured, facts: VoucherFacts): RedemptionResult {
  const after = done.order;
  const { residentId: _residentId, ...view } = toOrderView(after, facts.listing.title ?? undefined);
  return {
    redemptionId: done.redemptionId,
    ...facts,
    order: view,
    redeemedAt: after.redeemedAt,
    redeemedBy: s.actor.id,
    redeemedByName: s.actor.displayName,
    deviceId: s.deviceId,
    captureTransferId: done.captureTransferId,
  };
}

/**
 * Group commit of the counter's captures (`POST /redemptions`): the scans that arrive together (a
 * few ms, or while the batch before is in the database) are applied in ONE transaction with a few
 * multi-row statements: the orders locked in id order, every scan judged as if one at a time in
 * arrival order ({@link planCaptures}), the audit lines, the state changes, redemption rows,
 * notifications, the holds posted (wallets in one update), the keys with their answers, and the
 * provider's redemption account credited once per batch, last. Each scan keeps its own answer and
 * today's error codes. If the batch fails as a whole (after the deadlock retries), its scans are
 * answered one at a time by {@link alone}, today's one-transaction-per-scan path.
 */
@Injectable()
export class CaptureBatcher implements BeforeApplicationShutdown {
  private readonly log = new Logger('CaptureBatcher');
  private fallbacks = 0;
  private readonly batcher = new GroupCommit<{ scan: OnlineScan; code: string }, RedemptionResult>({
    flush: (items) => this.flush(items),
    maxBatch: MAX_BATCH,
    maxWaitMs: MAX_WAIT_MS,
    maxInFlight: MAX_IN_FLIGHT,
  });

  constructor(
    private readonly tx: TransactionService,
    private readonly idempotency: IdempotencyService,
    private readonly orders: RedemptionCaptureQueries,
    private readonly captures: CaptureService,
    private readonly scans: ScanAuditRepository,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  /** Captures the scan's voucher with the scans that arrive with it; its own answer or error. */
  submit(scan: OnlineScan, code: string): Promise<RedemptionResult> {
    return this.batcher.submit({ scan, code });
  }

  /** Batches sent, scans, the largest batch, and how many batches failed as a whole (answered alone). */
  stats(): GroupCommitStats & { fallbacks: number } {
    return { ...this.batcher.stats(), fallbacks: this.fallbacks };
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.batcher.drain();
  }

  private async flush(
    items: Array<{ scan: OnlineScan; code: string }>,
  ): Promise<Outcome<RedemptionResult>[]> {
    let outcomes: Array<Outcome<RedemptionResult> | null>;
    try {
      outcomes = await this.tx.run((tx) => this.applyBatch(tx, items));
    } catch (err) {
      this.fallbacks++;
      this.log.warn(
        `a batch of ${items.length} captures failed as a whole (${(err as Error).message}); answering them one at a time`,
      );
      outcomes = items.map(() => null);
    }
    // Scans answered alone (fallback, or a key taken already / twice in the batch), in arrival order.
    for (const [i, o] of outcomes.entries()) {
      if (o) continue;
      try {
        outcomes[i] = { ok: true, value: await this.alone(items[i].scan, items[i].code) };
      } catch (error) {
        outcomes[i] = { ok: false, error };
      }
    }
    return outcomes as Outcome<RedemptionResult>[];
  }

  /** One batch, one transaction: every scan's outcome, or null for the ones answered alone after it. */
  private async applyBatch(
    tx: EntityManager,
    items: Array<{ scan: OnlineScan; code: string }>,
  ): Promise<Array<Outcome<RedemptionResult> | null>> {
    const scans = items.map((i) => i.scan);
    const keyOf = (s: OnlineScan) => (s.key ? { scope: scopeOf(s), key: s.key } : undefined);
    const locked = await this.orders.lockMany(
      tx,
      scans.map((s) => s.orderId),
    );
    // Which keys are taken, read once the orders are ours: a batch (of this process or another)
    // that captured one of them with the same key has committed its key by now, and that scan
    // replays it (answered alone) instead of hearing ALREADY_REDEEMED.
    const taken = await this.idempotency.taken(
      tx,
      scans.flatMap((s) => keyOf(s) ?? []),
    );
    const orders = new Map(locked.map((o) => [o.id, o]));
    const now = new Date();
    const plan = planCaptures(
      scans.map((s) => ({
        actorId: s.actor.id,
        orderId: s.orderId,
        organizationId: s.organizationId,
        idempotency: keyOf(s),
        at: now,
        alone: !!s.key && taken.has(idempotencyKeyOf(keyOf(s)!)),
      })),
      orders,
    );
    // Names and titles (data a capture does not change) on the pool, while the batch writes.
    const staff = [...locked.map((o) => o.redeemedBy), ...scans.map((s) => s.actor.id)];
    const mapsRead = this.captures.factMaps(
      this.db.manager,
      locked,
      staff.filter((id): id is string => !!id),
    );
    mapsRead.catch(() => undefined); // awaited below; the batch may fail first
    const wins = plan.flatMap((p, i) => (p.kind === 'capture' ? [i] : []));
    const { captured, creditLater } = await this.captures.captureMany(
      tx,
      wins.map((i) => ({ order: orders.get(scans[i].orderId)!, by: this.by(scans[i], now) })),
    );
    const captureOf = new Map(wins.map((i, n) => [i, captured[n]]));
    const maps = await mapsRead;
    const outcomes = plan.map((p, i) => this.answer(i, p, scans[i], orders, maps, captureOf));
    await this.scans.insertMany(
      tx,
      outcomes.flatMap((o, i) => (o ? [auditRow({ ...scans[i].line, outcome: outcomeCode(o) })] : [])),
    );
    await this.idempotency.recordAnswered(
      tx,
      wins.flatMap((i) => {
        const o = outcomes[i];
        return scans[i].key && o?.ok
          ? [
              {
                ...keyOf(scans[i])!,
                request: { code: items[i].code, deviceId: scans[i].deviceId },
                result: o.value,
              },
            ]
          : [];
      }),
    );
    // The provider's redemption account: once per batch, the last statements before the commit.
    await creditLater();
    return outcomes;
  }

  private by(s: OnlineScan, at: Date): CaptureBy {
    return { actorId: s.actor.id, deviceId: s.deviceId, channel: 'online', scanId: null, scannedAt: at };
  }

  /** A planned scan's answer (null: answered alone after the batch). */
  private answer(
    i: number,
    p: ScanPlan,
    s: OnlineScan,
    orders: Map<string, OrderEntity>,
    maps: FactMaps,
    captureOf: Map<number, Captured>,
  ): Outcome<RedemptionResult> | null {
    const fail = (error: DomainError): Outcome<RedemptionResult> => ({ ok: false, error });
    const order = orders.get(s.orderId)!;
    switch (p.kind) {
      case 'alone':
        return null;
      case 'unknown':
        return fail(invalidCode('unknown order'));
      case 'self':
        return fail(ownVoucher(order));
      case 'refused':
        return fail(voucherError(p.verdict, order, redeemedNames(order, maps)));
      case 'repeat': {
        const won = captureOf.get(p.of)!.order;
        return fail(voucherError(ALREADY_REDEEMED, won, redeemedNames(won, maps)));
      }
      case 'capture': {
        const done = captureOf.get(i)!;
        return { ok: true, value: resultOf(s, done, voucherFacts(done.order, maps)) };
      }
    }
  }

  /**
   * One scan, one transaction (today's path): the fallback of a failed batch and the answer of a
   * scan whose idempotency key is taken. A failed scan leaves only its audit line.
   */
  async alone(s: OnlineScan, code: string): Promise<RedemptionResult> {
    try {
      const request = { code, deviceId: s.deviceId };
      return await this.idempotency.run({ scope: scopeOf(s), key: s.key, request }, async (em) => {
        const order = await this.captures.lockOrder(em, s.orderId);
        if (!order || order.providerOrganizationId !== s.organizationId) throw invalidCode('unknown order');
        assertNotOwnVoucher(s.actor, order);
        const verdict = judgeVoucher(order, new Date());
        if (!verdict.ok)
          throw voucherError(
            verdict,
            order,
            verdict.code === 'ALREADY_REDEEMED' ? await this.captures.names(em, order) : undefined,
          );
        const facts = await this.captures.facts(em, order);
        await this.audit(em, s.line);
        const done = await this.captures.capture(em, order, this.by(s, new Date()));
        return resultOf(s, done, facts);
      });
    } catch (err) {
      const outcome = err instanceof DomainError ? err.code : 'INTERNAL_ERROR';
      await this.audit(this.db.manager, { ...s.line, outcome }).catch((e: Error) =>
        this.log.error(`could not write the scan audit line: ${e.message}`),
      );
      throw err;
    }
  }

  private audit(tx: EntityManager, l: AuditLine): Promise<void> {
    return this.scans.insert(tx, auditRow(l));
  }
}
