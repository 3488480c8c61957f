import { Injectable, Logger } from '@nestjs/common';
import { TransactionService } from '../database/transaction.service';
import { NotificationsService } from '../notifications/notifications.service';
import { transition } from './order-state-machine';
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
      await this.notifications.notify(em, {
        userId: order.residentId,
        kind: 'order_ready',
        title: '兑换券已生成',
        body: `您的订单已可兑换，请在 ${order.expiresAt.toISOString().slice(0, 10)} 前到柜台出示二维码。`,
        refType: 'order',
        refId: orderId,
      });
      this.log.debug(`order ${orderId} ready`);
      return { orderId, outcome: 'ready' };
    });
  }
}
