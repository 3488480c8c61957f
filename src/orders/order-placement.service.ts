import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../common/actor';
import { DomainError } from '../common/domain-error';
import { conflict, notFound, refuse } from '../common/errors';
import { GroupCommit, Outcome } from '../common/group-commit';
import { newId } from '../common/ids';
import { hashRequest, IdempotencyService } from '../common/idempotency.service';
import { CatalogService } from '../catalog/catalog.service';
import type { ListingEntity } from '../catalog/catalog.service';
import { APP_CONFIG, AppConfig } from '../config/configuration';
import { isDatabaseUnavailable } from '../database/database-faults';
import { TransactionService } from '../database/transaction.service';
import { CreditService } from '../earning/credit.service';
import { UsersService } from '../identity/users.service';
import { QUEUES } from '../jobs/queues';
import { OutboxService } from '../jobs/outbox.service';
import { LedgerHolds } from '../ledger/ledger-holds.service';
import { LedgerService } from '../ledger/ledger.service';
import { OrderView, PlaceOrderDto } from './dto/orders.dto';
import { BatchOrder, BatchState, planBatch, Planned, sumsBy } from './order-batch-rules';
import { periodKey } from './order-limits';
import { counterOf, LimitKey, OrderLimitsRepository } from './order-limits.repository';
import { ORDER_PLACED_JOB, toOrderView } from './order-view';
import { NewOrder, OrdersRepository } from './orders.repository';

/** One `POST /orders` as the batcher holds it. */
export interface PlaceRequest {
  actor: Actor;
  dto: PlaceOrderDto;
  key?: string;
}

/** A request with what was read for it before the batch's transaction. */
interface Prepared {
  req: PlaceRequest;
  listing: ListingEntity | undefined;
  order: Omit<BatchOrder, 'walletId'>;
  limitKey: LimitKey | null;
}

/** Largest batch, and the longest wait of its first order (see GroupCommit). */
const MAX_BATCH = 256;
const MAX_WAIT_MS = 2;

const UNSET = { readyAt: null, redeemedAt: null, cancelledAt: null, cancelReason: null, expiredAt: null };
const scopeOf = (actor: Actor) => `orders:${actor.id}`;

/**
 * Placement of orders by group commit (the order path of architecture.md). Orders arriving at
 * about the same moment are gathered by a GroupCommit and applied in one transaction: the batch's
 * limit counters, wallets and listings are locked in that rank order (each rank sorted by key, so
 * batches never deadlock), `planBatch` decides each order's outcome as one-at-a-time placement
 * would, and a handful of multi-row statements write the result: limit counters, holds (transfer
 * rows, one debit per wallet), stock (one update per listing), orders, outbox rows, idempotency
 * keys with their answers, and the providers' redemption accounts last (one update each). Each
 * order keeps its own outcome. When the batch fails as a whole (a key taken meanwhile by another
 * process, a deadlock past the retries), every order of it is placed on its own by {@link placeOne},
 * the one-order transaction; when the database cannot be reached, the batch and the orders queued
 * behind it answer 503 at once (a retry with the same key tells whether an order committed).
 */
@Injectable()
export class OrderPlacement implements BeforeApplicationShutdown {
  private readonly log = new Logger('OrderPlacement');
  private readonly batcher = new GroupCommit<PlaceRequest, OrderView>({
    maxBatch: MAX_BATCH,
    maxWaitMs: MAX_WAIT_MS,
    flush: (reqs) => this.flush(reqs),
    // The database unreachable: this batch and the orders behind it answer 503 at once.
    failQueuedOn: isDatabaseUnavailable,
  });

  constructor(
    private readonly tx: TransactionService,
    private readonly idempotency: IdempotencyService,
    private readonly catalog: CatalogService,
    private readonly ledger: LedgerService,
    private readonly holds: LedgerHolds,
    private readonly outbox: OutboxService,
    private readonly credit: CreditService,
    private readonly users: UsersService,
    private readonly orders: OrdersRepository,
    private readonly limits: OrderLimitsRepository,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  place(actor: Actor, dto: PlaceOrderDto, key?: string): Promise<OrderView> {
    if (!actor.regionId) throw notFound('resident', actor.id);
    return this.batcher.submit({ actor, dto, key });
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.batcher.drain();
  }

  private async flush(reqs: PlaceRequest[]): Promise<Outcome<OrderView>[]> {
    try {
      return await this.placeMany(reqs);
    } catch (err) {
      if (isDatabaseUnavailable(err)) throw err;
      this.log.warn(`a batch of ${reqs.length} orders failed whole (${(err as Error).message}): one by one`);
      return Promise.all(
        reqs.map((r) =>
          this.placeOne(r).then(
            (value): Outcome<OrderView> => ({ ok: true, value }),
            (error: unknown): Outcome<OrderView> => ({ ok: false, error }),
          ),
        ),
      );
    }
  }

  /** The batch in one transaction; throws when it failed as a whole. */
  async placeMany(reqs: PlaceRequest[]): Promise<Outcome<OrderView>[]> {
    const now = new Date();
    const found = await this.catalog.findByIds(reqs.map((r) => r.dto.listingId));
    const listings = new Map(found.map((l) => [l.id, l]));
    const keyed = reqs.filter((r) => r.key).map((r) => ({ scope: scopeOf(r.actor), key: r.key! }));
    const stored = await this.idempotency.storedMany(keyed);
    const prepared = await Promise.all(reqs.map((r) => this.prepare(r, listings.get(r.dto.listingId), now)));
    return this.tx.run(async (em) => {
      const { orders, state, walletOf } = await this.lockAndRead(em, prepared, stored);
      const plan = planBatch(orders, state);
      const views = await this.write(em, prepared, plan, { walletOf, stock: state.stock }, now);
      return plan.map((p, i) => outcomeOf(p, views, i));
    });
  }

  /** What is known before the transaction: the listing's own checks and the resident's eligibility. */
  private async prepare(req: PlaceRequest, listing: ListingEntity | undefined, now: Date): Promise<Prepared> {
    const { actor, dto } = req;
    let refused: DomainError | null = null;
    if (!listing) refused = refuse('LISTING_NOT_FOUND', { listingId: dto.listingId }, 'listing not found');
    else
      try {
        this.catalog.assertOrderable(listing, { regionPath: actor.regionPath }, now);
        if (listing.minCreditLevel || listing.minAge) await this.assertEligible(listing, actor.id, {}, now);
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        refused = err;
      }
    const limitKey =
      listing?.limitCount && listing.limitPeriod
        ? { residentId: actor.id, listingId: listing.id, periodKey: periodKey(listing.limitPeriod, now) }
        : null;
    return {
      req,
      listing,
      limitKey,
      order: {
        idemKey: req.key ? `${scopeOf(actor)}\u001f${req.key}` : null,
        requestHash: hashRequest(dto),
        listingId: dto.listingId,
        quantity: dto.quantity,
        total: (listing?.pointsPrice ?? 0) * dto.quantity,
        limit: limitKey
          ? { counter: counterOf(limitKey), max: listing!.limitCount!, period: limitKey.periodKey }
          : null,
        refused,
      },
    };
  }

  /** Locks, in rank order, the limit counters, the wallets and the listings of the batch, and reads them. */
  private async lockAndRead(
    em: EntityManager,
    prepared: Prepared[],
    stored: BatchState['stored'],
  ): Promise<{ orders: BatchOrder[]; state: BatchState; walletOf: Map<string, string> }> {
    const live = prepared.filter((p) => !p.order.refused);
    const limitKeys = live.flatMap((p) => (p.limitKey ? [p.limitKey] : []));
    const used = limitKeys.length ? await this.limits.lockMany(em, limitKeys) : new Map<string, number>();
    const wallets = live.length
      ? await this.holds.lockWallets(
          em,
          live.map((p) => p.req.actor.id),
        )
      : new Map();
    const stock = live.length
      ? await this.catalog.lockStocks(em, [...new Set(live.map((p) => p.order.listingId))])
      : new Map<string, number | null>();
    const walletOf = new Map([...wallets].map(([user, w]) => [user, w.accountId]));
    const available = new Map([...wallets.values()].map((w) => [w.accountId, w.available]));
    const orders = prepared.map((p) => ({ ...p.order, walletId: walletOf.get(p.req.actor.id) ?? null }));
    return { orders, state: { stored, available, stock, used }, walletOf };
  }

  /** Writes the placed orders of the plan; their views by position. */
  private async write(
    em: EntityManager,
    prepared: Prepared[],
    plan: Planned[],
    locked: { walletOf: Map<string, string>; stock: BatchState['stock'] },
    now: Date,
  ): Promise<Map<number, OrderView>> {
    const { walletOf, stock } = locked;
    const placed = prepared
      .map((p, i) => ({ ...p, i, listing: p.listing! }))
      .filter(({ i }) => plan[i].kind === 'place');
    const views = new Map<number, OrderView>();
    if (!placed.length) return views;
    const redemption = await this.holds.redemptionAccounts(
      em,
      placed.map((p) => p.listing.providerOrganizationId),
    );
    const rows = placed.map((p) => this.newOrder(p.req, p.listing, p.limitKey, now));
    const limited = placed.filter((p) => p.limitKey);
    const takes = sumsBy(
      limited,
      (p) => counterOf(p.limitKey!),
      (p) => p.req.dto.quantity,
    ).map(([counter, quantity]) => {
      const p = limited.find((x) => counterOf(x.limitKey!) === counter)!;
      return { key: p.limitKey!, quantity, limit: p.listing.limitCount! };
    });
    if (!(await this.limits.takeMany(em, takes))) throw conflict('a limit counter of the batch moved');
    const { creditLater } = await this.holds.holdMany(
      em,
      rows.map((o, n) => ({
        id: o.holdTransferId,
        walletId: walletOf.get(o.residentId)!,
        creditAccountId: redemption.get(placed[n].listing.providerOrganizationId)!,
        amount: o.totalPoints,
        code: 'order_hold',
        refType: 'order',
        refId: o.id,
      })),
    );
    const counted = placed.filter((p) => stock.get(p.listing.id) !== null);
    const stockTakes = sumsBy(
      counted,
      (p) => p.listing.id,
      (p) => p.req.dto.quantity,
    );
    if (!(await this.catalog.takeStockMany(em, stockTakes))) throw conflict('a stock of the batch moved');
    await this.orders.insertMany(em, rows);
    await this.outbox.addMany(
      em,
      QUEUES.orders,
      ORDER_PLACED_JOB,
      rows.map((o) => ({ orderId: o.id })),
    );
    placed.forEach((p, n) => views.set(p.i, toOrderView({ ...rows[n], ...UNSET }, p.listing.title)));
    await this.idempotency.claimAnsweredMany(
      em,
      placed
        .filter((p) => p.req.key)
        .map((p) => ({
          scope: scopeOf(p.req.actor),
          key: p.req.key!,
          requestHash: p.order.requestHash,
          body: JSON.stringify(views.get(p.i)),
        })),
    );
    await creditLater();
    return views;
  }

  private newOrder(
    req: PlaceRequest,
    listing: ListingEntity,
    limitKey: LimitKey | null,
    now: Date,
  ): NewOrder {
    const id = newId();
    return {
      id,
      residentId: req.actor.id,
      communityId: req.actor.regionId!,
      listingId: listing.id,
      providerOrganizationId: listing.providerOrganizationId,
      quantity: req.dto.quantity,
      unitPoints: listing.pointsPrice,
      totalPoints: listing.pointsPrice * req.dto.quantity,
      status: 'pending',
      holdTransferId: this.ledger.deriveId('order_hold', id),
      limitPeriodKey: limitKey?.periodKey ?? null,
      expiresAt: this.deadline(listing, now),
      createdAt: now,
    };
  }

  /**
   * One order in its own transaction (the fallback of a failed batch): idempotency key, listing
   * checks, limit counter, points hold, stock (taken last), order row, outbox row.
   */
  async placeOne({ actor, dto, key }: PlaceRequest): Promise<OrderView> {
    // Facts that do not change inside the transaction are read before it, and only when the
    // listing has a rule that needs them (most listings have none): short transactions, few reads.
    const rules = await this.catalog.getForOrder(this.db.manager, dto.listingId);
    const [user, standing] = await Promise.all([
      rules?.minAge ? this.users.findById(actor.id) : null,
      rules?.minCreditLevel ? this.credit.levelOf(actor.id) : null,
    ]);
    return this.idempotency.run({ scope: scopeOf(actor), key, request: dto }, async (em) => {
      const now = new Date();
      const listing = await this.catalog.getForOrder(em, dto.listingId);
      if (!listing) throw refuse('LISTING_NOT_FOUND', { listingId: dto.listingId }, 'listing not found');
      this.catalog.assertOrderable(listing, { regionPath: actor.regionPath }, now);
      if (listing.minCreditLevel || listing.minAge)
        await this.assertEligible(listing, actor.id, { user, standing }, now);
      const limitKey =
        listing.limitCount && listing.limitPeriod
          ? { residentId: actor.id, listingId: listing.id, periodKey: periodKey(listing.limitPeriod, now) }
          : null;
      if (limitKey && !(await this.limits.take(em, limitKey, dto.quantity, listing.limitCount!)))
        throw refuse(
          'LIMIT_REACHED',
          { listingId: listing.id, limit: listing.limitCount, period: limitKey.periodKey },
          `at most ${listing.limitCount} per period for this listing`,
        );
      const order = this.newOrder({ actor, dto }, listing, limitKey, now);
      // The hold: the wallet is debited (and checked) now; the provider's redemption account, which
      // every order of that provider credits, is credited as the last statement (shortest lock).
      const hold = await this.ledger.transferDeferringCredit(em, {
        id: order.holdTransferId,
        debitAccountId: await this.ledger.walletOf(em, actor.id),
        creditAccountId: await this.ledger.redemptionOf(em, listing.providerOrganizationId),
        amount: order.totalPoints,
        code: 'order_hold',
        refType: 'order',
        refId: order.id,
        pending: true,
      });
      if (!(await this.catalog.takeStock(em, listing.id, dto.quantity)))
        throw refuse('OUT_OF_STOCK', { listingId: listing.id, requested: dto.quantity }, 'out of stock');
      await this.orders.insert(em, order);
      await this.outbox.add(em, QUEUES.orders, ORDER_PLACED_JOB, { orderId: order.id });
      await hold.creditLater();
      return toOrderView({ ...order, ...UNSET }, listing.title);
    });
  }

  /** 403 NOT_ELIGIBLE unless the resident meets the listing's credit level and age (facts read before, else now). */
  private async assertEligible(
    listing: ListingEntity,
    residentId: string,
    known: {
      user?: Awaited<ReturnType<UsersService['findById']>> | null;
      standing?: Awaited<ReturnType<CreditService['levelOf']>> | null;
    },
    now: Date,
  ): Promise<void> {
    const eligible = this.catalog.checkEligibility(
      listing,
      {
        creditLevel: (known.standing ?? (await this.credit.levelOf(residentId))).level,
        birthDate: (known.user ?? (await this.users.findById(residentId)))?.birthDate ?? null,
      },
      now,
    );
    if (!eligible.eligible)
      throw refuse(
        'NOT_ELIGIBLE',
        { ...eligible, listingId: listing.id },
        `not eligible for this listing (${eligible.reason.replace(/_/g, ' ')})`,
      );
  }

  private deadline(listing: ListingEntity, now: Date): Date {
    const seconds = this.config.orderRedeemWindowSeconds ?? listing.redeemWithinDays * 86_400;
    return new Date(now.getTime() + seconds * 1000);
  }
}

/** An order's outcome from its plan: its view, a replay of an earlier answer, or its refusal. */
function outcomeOf(p: Planned, views: Map<number, OrderView>, i: number): Outcome<OrderView> {
  switch (p.kind) {
    case 'place':
      return { ok: true, value: views.get(i)! };
    case 'same':
      return { ok: true, value: JSON.parse(JSON.stringify(views.get(p.as))) as OrderView };
    case 'stored':
      return { ok: true, value: JSON.parse(p.responseBody ?? 'null') as OrderView };
    case 'refuse':
      return { ok: false, error: p.error };
  }
}
