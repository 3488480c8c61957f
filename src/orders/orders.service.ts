import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, hasRole } from '../common/actor';
import { forbidden, invalidState, notFound, refuse } from '../common/errors';
import { decodeCursor, TIME_ID, Page, pageLimit, toPage } from '../common/pagination';
import { CatalogService } from '../catalog/catalog.service';
import { TransactionService } from '../database/transaction.service';
import { LedgerService } from '../ledger/ledger.service';
import { NotificationsService } from '../notifications/notifications.service';
import { OrdersQuery, OrderView, PlaceOrderDto } from './dto/orders.dto';
import { OrderEntity } from './entities/order.entity';
import { LimitKey, OrderLimitsRepository } from './order-limits.repository';
import { OPEN_STATUSES, OrderStatus, transition } from './order-state-machine';
import { OrderPlacement } from './order-placement.service';
import { toOrderView } from './order-view';
import { OrdersRepository } from './orders.repository';

export { ORDER_PLACED_JOB, toOrderView } from './order-view';
export type { OrderViewSource } from './order-view';

/**
 * Placement, reading and cancellation of orders (the order path of architecture.md). Placement is
 * group commit ({@link OrderPlacement}): the orders of one moment in one transaction. Everything that gives value back (cancel, expiry) goes through `release`.
 */
@Injectable()
export class OrdersService {
  constructor(
    private readonly tx: TransactionService,
    private readonly placement: OrderPlacement,
    private readonly catalog: CatalogService,
    private readonly ledger: LedgerService,
    private readonly notifications: NotificationsService,
    private readonly orders: OrdersRepository,
    private readonly limits: OrderLimitsRepository,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  /** Placed by group commit with the orders of the same moment (order-placement.service.ts). */
  place(actor: Actor, dto: PlaceOrderDto, key?: string): Promise<OrderView> {
    return this.placement.place(actor, dto, key);
  }

  /** The resident who ordered, or staff of the providing organisation; anyone else: 404. */
  async getVisible(tx: EntityManager, actor: Actor, id: string): Promise<OrderEntity> {
    const order = await this.orders.byId(tx, id);
    if (!order) throw notFound('order', id);
    if (order.residentId === actor.id) return order;
    if (!hasRole(actor, 'resident') && (await this.catalog.managesListing(actor, order))) return order;
    throw notFound('order', id);
  }

  async get(actor: Actor, id: string): Promise<OrderView> {
    const order = await this.getVisible(this.db.manager, actor, id);
    return toOrderView(order, await this.titleOf(order.listingId));
  }

  /** GET /me/orders (the resident's own) and GET /orders (provider staff: their organisation's). */
  async list(actor: Actor, q: OrdersQuery, mine: boolean): Promise<Page<OrderView>> {
    const limit = pageLimit(q);
    const cursor = decodeCursor(q.cursor, TIME_ID);
    if (!mine && !actor.organizationId)
      throw forbidden('only staff of a providing organisation list its orders');
    const orders = await this.orders.page(this.db.manager, {
      ...(mine ? { residentId: actor.id } : { providerOrganizationId: actor.organizationId! }),
      status: q.status,
      listingId: q.listingId,
      cursor,
      limit: limit + 1,
    });
    const titles = await this.titles([...new Set(orders.map((o) => o.listingId))]);
    const views = orders.map((o) => toOrderView(o, titles.get(o.listingId)));
    return toPage(views, limit, (o) => [new Date(o.createdAt).toISOString(), o.id]);
  }

  /** The resident before redemption, or the providing organisation; gives back points, stock and limit. */
  async cancel(actor: Actor, id: string, reason?: string): Promise<OrderView> {
    await this.tx.run(async (em) => {
      const order = await this.getVisible(em, actor, id);
      const provider = order.residentId !== actor.id;
      if (order.status === 'cancelled') return;
      if (!OPEN_STATUSES.includes(order.status)) throw notCancellable(order);
      const done = await this.release(
        em,
        order,
        'cancelled',
        { cancelled_by: actor.id, cancel_reason: reason ?? null },
        provider
          ? (inner) =>
              this.notifications.notify(inner, {
                userId: order.residentId,
                kind: 'order_cancelled_by_provider',
                title: '订单已被商家取消',
                body: `您的订单已被提供方取消${reason ? `：${reason}` : ''}，积分已退回。`,
                refType: 'order',
                refId: order.id,
              })
          : undefined,
      );
      if (!done) {
        const now = (await this.orders.byId(em, id))!;
        if (now.status !== 'cancelled') throw notCancellable(now);
      }
    });
    return this.get(actor, id);
  }

  /**
   * Moves an open order to `cancelled` or `expired` and gives everything back: the hold is voided,
   * stock and the limit are returned. The state change is a conditional update taken first, so a
   * racing redemption, cancellation or expiry resolves the hold exactly once. False when another
   * transition won.
   *
   * Locks are taken in the one order every path of an order follows (placement, cancellation,
   * expiry, capture), so that they can only queue behind each other, never deadlock:
   * order row → hold → limit counter → wallet → listing stock → provider's redemption account,
   * the hottest row (every order of the provider) last and held only until the commit. `then`
   * runs after the state change and before the stock and the provider's account are touched
   * (notifications: rows of their own).
   */
  async release(
    em: EntityManager,
    order: OrderEntity,
    to: Extract<OrderStatus, 'cancelled' | 'expired' | 'failed'>,
    set: Record<string, unknown> = {},
    then?: (em: EntityManager) => Promise<unknown>,
  ): Promise<boolean> {
    if (!(await transition(em, order.id, to, set, OPEN_STATUSES))) return false;
    if (order.limitPeriodKey) await this.limits.giveBack(em, limitKeyOf(order), order.quantity);
    const { creditLater } = await this.ledger.voidDeferringCredit(em, {
      id: this.ledger.deriveId('order_release', order.id),
      pendingId: order.holdTransferId,
      code: 'release',
      refType: 'order',
      refId: order.id,
    });
    if (then) await then(em);
    await this.catalog.returnStock(em, order.listingId, order.quantity);
    await creditLater();
    return true;
  }

  /**
   * {@link release} for many orders in one transaction (the expiry sweeper), in the same lock
   * order, each rank's rows sorted so that two batches never cross: the orders (locked by the
   * caller), their holds and limit counters, the wallets (by account id), then each listing's stock
   * and each provider's account once, with the sums of the batch. Returns the orders released.
   */
  async releaseMany(
    em: EntityManager,
    orders: OrderEntity[],
    to: Extract<OrderStatus, 'cancelled' | 'expired'>,
    then?: (em: EntityManager, released: OrderEntity[]) => Promise<unknown>,
  ): Promise<OrderEntity[]> {
    const released: OrderEntity[] = [];
    for (const o of orders) if (await transition(em, o.id, to, {}, OPEN_STATUSES)) released.push(o);
    if (!released.length) return released;
    const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const limited = released
      .filter((o) => o.limitPeriodKey)
      .sort((a, b) => byKey(`${a.residentId}/${a.listingId}`, `${b.residentId}/${b.listingId}`));
    for (const o of limited) await this.limits.giveBack(em, limitKeyOf(o), o.quantity);
    const wallets = await this.ledger.debitAccountsIn(
      em,
      released.map((o) => o.holdTransferId),
    );
    const byWallet = [...released].sort((a, b) =>
      byKey(wallets.get(a.holdTransferId) ?? '', wallets.get(b.holdTransferId) ?? ''),
    );
    const { creditLater } = await this.ledger.voidManyDeferringCredit(
      em,
      byWallet.map((o) => ({
        id: this.ledger.deriveId('order_release', o.id),
        pendingId: o.holdTransferId,
        code: 'release',
        refType: 'order',
        refId: o.id,
      })),
    );
    if (then) await then(em, released);
    const units = new Map<string, number>();
    for (const o of released) units.set(o.listingId, (units.get(o.listingId) ?? 0) + o.quantity);
    for (const [listingId, quantity] of [...units].sort(([a], [b]) => byKey(a, b)))
      await this.catalog.returnStock(em, listingId, quantity);
    await creditLater();
    return released;
  }

  private async titleOf(listingId: string): Promise<string | undefined> {
    return (await this.titles([listingId])).get(listingId);
  }

  private async titles(ids: string[]): Promise<Map<string, string>> {
    return new Map((await this.catalog.findByIds(ids)).map((l) => [l.id, l.title]));
  }
}

/** Why an order that is not open cannot be cancelled: 409 ALREADY_REDEEMED or INVALID_STATE. */
function notCancellable(order: OrderEntity) {
  if (order.status === 'redeemed')
    return refuse(
      'ALREADY_REDEEMED',
      { orderId: order.id, redeemedAt: order.redeemedAt },
      'the order was already redeemed',
    );
  return invalidState(`the order is ${order.status}`, { orderId: order.id, status: order.status });
}

/** The limit counter an order counted against (for orders with a `limitPeriodKey`). */
const limitKeyOf = (o: OrderEntity): LimitKey => ({
  residentId: o.residentId,
  listingId: o.listingId,
  periodKey: o.limitPeriodKey!,
});
