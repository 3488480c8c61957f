import { Injectable, Logger } from '@nestjs/common';
import { TransactionService } from '../database/transaction.service';
import { NotificationsService } from '../notifications/notifications.service';
import { conflict } from '../common/errors';
import { Outcome } from '../common/group-commit';
import { OrderEntity } from './entities/order.entity';
import { transition, transitionMany } from './order-state-machine';
import { OrdersRepository } from './orders.repository';
import { VouchersService } from './vouchers.service';

export interface Fulfilled {
  orderId: string;
  outcome: string;
}

/**
 * Issues an order's voucher and moves it `pending` → `ready`, in one transaction with the order row
 * locked, for the fulfilment job and the reconciler alike. Idempotent: a retried, duplicated or
 * half-done attempt finds the voucher (one per order) or the order already ready and does nothing
 * more. The row lock is what tells the reconciler an order is being fulfilled right now: it lives
 * exactly as long as the worker's transaction, so a worker that dies lets go of it at once.
 */
@Injectable()
export class OrderFulfilment {
  private readonly log = new Logger('OrderFulfilment');

  constructor(
    private readonly tx: TransactionService,
    private readonly vouchers: VouchersService,
    private readonly notifications: NotificationsService,
    private readonly orders: OrdersRepository,
  ) {}

  /**
   * `skipLocked`: an order another worker is fulfilling at this moment is left to it
   * (`outcome: 'busy'`); without it the call waits for that worker and then finds the order ready.
   */
  async fulfil(orderId: string, opts: { skipLocked?: boolean } = {}): Promise<Fulfilled> {
    return this.tx.run(async (em) => {
      const order = await this.orders.lockById(em, orderId, !!opts.skipLocked);
      if (!order) {
        if (opts.skipLocked) return { orderId, outcome: 'busy' };
        throw new Error(`order ${orderId} does not exist`);
      }
      if (order.status !== 'pending') return { orderId, outcome: `already ${order.status}` };
      await this.vouchers.issue(em, order);
      if (!(await transition(em, orderId, 'ready', {}, ['pending'])))
        return { orderId, outcome: 'state changed meanwhile' };
      await this.notifications.notify(em, readyNotice(order));
      this.log.debug(`order ${orderId} ready`);
      return { orderId, outcome: 'ready' };
    });
  }

  /**
   * {@link fulfil} for many orders in one transaction (the batched job processor): the orders
   * locked in id order, one read of their vouchers, one insert of the missing ones, one state
   * change and one insert of the notifications. An order that does not exist fails alone; any other
   * failure fails the whole call (the caller then fulfils the orders one by one).
   */
  async fulfilMany(orderIds: string[]): Promise<Outcome<Fulfilled>[]> {
    const outcome = await this.tx.run(async (em) => {
      const orders = await this.orders.lockByIds(em, orderIds);
      const pending = orders.filter((o) => o.status === 'pending');
      await this.vouchers.issueMany(em, pending);
      const ids = pending.map((o) => o.id);
      if ((await transitionMany(em, ids, 'ready', ['pending'])) !== ids.length)
        throw conflict('an order of the batch changed state meanwhile');
      await this.notifications.notifyMany(em, pending.map(readyNotice));
      return new Map(orders.map((o) => [o.id, o.status === 'pending' ? 'ready' : `already ${o.status}`]));
    });
    return orderIds.map((orderId, i): Outcome<Fulfilled> => {
      const o = outcome.get(orderId);
      if (!o) return { ok: false, error: new Error(`order ${orderId} does not exist`) };
      // The same order twice in one batch: the second finds it ready.
      const again = orderIds.indexOf(orderId) < i && o === 'ready';
      return { ok: true, value: { orderId, outcome: again ? 'already ready' : o } };
    });
  }
}

const readyNotice = (order: OrderEntity) => ({
  userId: order.residentId,
  kind: 'order_ready',
  title: '兑换券已生成',
  body: `您的订单已可兑换，请在 ${order.expiresAt.toISOString().slice(0, 10)} 前到柜台出示二维码。`,
  refType: 'order',
  refId: order.id,
});
