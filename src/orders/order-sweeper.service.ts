import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/configuration';
import { TransactionService } from '../database/transaction.service';
import { SchedulerService } from '../jobs/scheduler.service';
import { NotificationsService } from '../notifications/notifications.service';
import { OrderFulfilment } from './order-fulfilment.service';
import { OrdersRepository } from './orders.repository';
import { OrdersService } from './orders.service';

const BATCH = 200;
/** Orders expired per transaction: each batch updates a listing's stock and a provider's account once. */
const EXPIRE_BATCH = 50;
/** Orders the reconciler fulfils at once per worker process. */
const RECONCILE_PARALLEL = 4;

/**
 * The database decides what is due. In the worker roles:
 * - expiry: open orders past their deadline expire (hold voided, stock and limit returned) in short
 *   transactions of up to 50 orders, in the lock order of the order path (OrdersService.releaseMany);
 * - reminders: a resident is told once when a ready voucher expires within a day;
 * - reconciliation: a pending order that no worker is fulfilling right now (its row is not
 *   locked) and that has waited `ORDER_RECONCILE_AFTER_MS` is fulfilled here, whatever became of
 *   its job (a worker killed half-way, Redis down, a lost job).
 * Rows are claimed with FOR UPDATE SKIP LOCKED, so several workers share the work and never wait
 * for each other.
 */
@Injectable()
export class OrderSweeper implements OnModuleInit {
  private readonly log = new Logger('OrderSweeper');

  constructor(
    private readonly tx: TransactionService,
    private readonly orders: OrdersService,
    private readonly fulfilment: OrderFulfilment,
    private readonly notifications: NotificationsService,
    private readonly scheduler: SchedulerService,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: OrdersRepository,
  ) {}

  onModuleInit(): void {
    this.scheduler.every('orders.expire', this.config.orderSweepMs, () => this.expireDue());
    this.scheduler.every('orders.remind', Math.max(this.config.orderSweepMs, 30_000), () =>
      this.remindExpiring(),
    );
    this.scheduler.every(
      'orders.reconcile',
      Math.max(100, Math.round(this.config.orderReconcileAfterMs / 3)),
      () => this.reconcilePending(),
    );
  }

  /** Expires every due order, in batches of {@link EXPIRE_BATCH}; returns how many this call expired. */
  async expireDue(): Promise<number> {
    let total = 0;
    for (;;) {
      const { claimed, expired } = await this.tx.run((em) => this.expireBatch(em));
      total += expired;
      if (claimed < EXPIRE_BATCH) return total;
    }
  }

  /**
   * One short transaction: claims up to EXPIRE_BATCH due orders (skipping any that another
   * transaction holds) and releases them together (OrdersService.releaseMany: the listings' stock
   * and the provider's account are each updated once, last).
   */
  private async expireBatch(em: EntityManager): Promise<{ claimed: number; expired: number }> {
    const due = await this.repo.claimDue(em, EXPIRE_BATCH);
    const released = await this.orders.releaseMany(em, due, 'expired', async (inner, orders) => {
      for (const order of orders)
        await this.notifications.notify(inner, {
          userId: order.residentId,
          kind: 'order_expired',
          title: '订单已过期',
          body: '您的订单未在有效期内兑换，已自动取消，积分已退回。',
          refType: 'order',
          refId: order.id,
        });
    });
    return { claimed: due.length, expired: released.length };
  }

  async remindExpiring(): Promise<number> {
    return this.tx.run(async (em) => {
      const soon = await this.repo.claimExpiringUnnotified(em, BATCH);
      for (const order of soon) {
        await this.repo.markExpiryNotified(em, order.id);
        await this.notifications.notify(em, {
          userId: order.residentId,
          kind: 'order_expiring',
          title: '兑换券即将过期',
          body: `您的兑换券将于 ${order.expiresAt.toISOString().replace('T', ' ').slice(0, 16)} (UTC) 过期，请尽快兑换。`,
          refType: 'order',
          refId: order.id,
        });
      }
      return soon.length;
    });
  }

  /**
   * Fulfils pending orders that waited `ORDER_RECONCILE_AFTER_MS` since they were placed (or last
   * tried) and that no transaction holds: an order whose worker died mid-fulfilment is free again
   * the moment that worker's connection closes. Returns how many became ready here.
   */
  async reconcilePending(): Promise<number> {
    const due = await this.repo.idlePendingIds(this.db.manager, this.config.orderReconcileAfterMs, BATCH);
    const queue = shuffled(due);
    let ready = 0;
    const lane = async () => {
      for (let next = queue.pop(); next; next = queue.pop()) {
        try {
          const r = await this.fulfilment.fulfil(next, { skipLocked: true });
          if (r.outcome === 'ready') ready++;
        } catch (err) {
          // Tried again after another ORDER_RECONCILE_AFTER_MS, not on every tick.
          this.log.warn(`order ${next} not fulfilled: ${(err as Error).message}`);
          await this.repo.touchPending(this.db.manager, next);
        }
      }
    };
    await Promise.all(Array.from({ length: RECONCILE_PARALLEL }, lane));
    if (ready) this.log.log(`reconciler fulfilled ${ready} pending order(s)`);
    return ready;
  }
}

/** A copy in random order, so that workers reading the same candidates mostly take different ones. */
function shuffled<T>(xs: T[]): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
