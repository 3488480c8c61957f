import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/configuration';
import { TransactionService } from '../database/transaction.service';
import { OutboxService } from '../jobs/outbox.service';
import { QUEUES } from '../jobs/queues';
import { SchedulerService } from '../jobs/scheduler.service';
import { NotificationsService } from '../notifications/notifications.service';
import { OrderEntity } from './entities/order.entity';
import { ORDER_PLACED_JOB, OrdersService } from './orders.service';

const BATCH = 200;

/**
 * The database decides what is due. In the worker role:
 * - expiry: open orders past their deadline expire (hold voided, stock and limit returned);
 * - reminders: a resident is told once when a ready voucher expires within a day;
 * - reconciliation: orders stuck in `pending` are handed to the fulfilment queue again.
 * Rows are claimed with FOR UPDATE SKIP LOCKED, so several workers share the work.
 */
@Injectable()
export class OrderSweeper implements OnModuleInit {
  constructor(
    private readonly tx: TransactionService,
    private readonly orders: OrdersService,
    private readonly outbox: OutboxService,
    private readonly notifications: NotificationsService,
    private readonly scheduler: SchedulerService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.scheduler.every('orders.expire', this.config.orderSweepMs, () => this.expireDue());
    this.scheduler.every('orders.remind', Math.max(this.config.orderSweepMs, 30_000), () =>
      this.remindExpiring(),
    );
    this.scheduler.every(
      'orders.reconcile',
      Math.max(1000, (this.config.orderReconcileAfterSeconds * 1000) / 2),
      () => this.reconcilePending(),
    );
  }

  /** Expires every due order; returns how many. */
  async expireDue(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.tx.run(async (em) => {
        const due: OrderEntity[] = await em
          .getRepository(OrderEntity)
          .createQueryBuilder('o')
          .where('o.status IN (:...open)', { open: ['pending', 'ready'] })
          .andWhere('o.expires_at <= CURRENT_TIMESTAMP(3)')
          .orderBy('o.expires_at')
          .limit(BATCH)
          .setLock('pessimistic_write')
          .setOnLocked('skip_locked')
          .getMany();
        for (const order of due) {
          if (await this.orders.release(em, order, 'expired')) {
            await this.notifications.notify(em, {
              userId: order.residentId,
              kind: 'order_expired',
              title: '订单已过期',
              body: '您的订单未在有效期内兑换，已自动取消，积分已退回。',
              refType: 'order',
              refId: order.id,
            });
          }
        }
        return due.length;
      });
      total += n;
      if (n < BATCH) return total;
    }
  }

  async remindExpiring(): Promise<number> {
    return this.tx.run(async (em) => {
      const soon: OrderEntity[] = await em
        .getRepository(OrderEntity)
        .createQueryBuilder('o')
        .where("o.status = 'ready'")
        .andWhere('o.expiry_notified_at IS NULL')
        .andWhere('o.expires_at <= DATE_ADD(CURRENT_TIMESTAMP(3), INTERVAL 1 DAY)')
        .andWhere('o.expires_at > CURRENT_TIMESTAMP(3)')
        .limit(BATCH)
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getMany();
      for (const order of soon) {
        await em.query(
          'UPDATE orders SET expiry_notified_at = CURRENT_TIMESTAMP(3) WHERE id = ? AND expiry_notified_at IS NULL',
          [order.id],
        );
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

  async reconcilePending(): Promise<number> {
    return this.tx.run(async (em) => {
      const stuck: Array<{ id: string }> = await em.query(
        `SELECT id FROM orders WHERE status = 'pending' AND created_at < DATE_SUB(CURRENT_TIMESTAMP(3), INTERVAL ? SECOND)
           AND updated_at < DATE_SUB(CURRENT_TIMESTAMP(3), INTERVAL ? SECOND)
         ORDER BY created_at LIMIT ? FOR UPDATE SKIP LOCKED`,
        [this.config.orderReconcileAfterSeconds, this.config.orderReconcileAfterSeconds, BATCH],
      );
      for (const { id } of stuck) {
        await this.outbox.add(em, QUEUES.orders, ORDER_PLACED_JOB, { orderId: id, reconciled: true });
        // Touch the row so that it is not queued again before the next interval.
        await em.query('UPDATE orders SET updated_at = CURRENT_TIMESTAMP(3) WHERE id = ?', [id]);
      }
      return stuck.length;
    });
  }
}
