import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job } from 'bullmq';
import { TransactionService } from '../database/transaction.service';
import { QUEUES } from '../jobs/queues';
import { PROCESSOR_OPTIONS } from '../jobs/worker-runner.service';
import { NotificationsService } from '../notifications/notifications.service';
import { OrderEntity } from './entities/order.entity';
import { transition } from './order-state-machine';
import { ORDER_PLACED_JOB } from './orders.service';
import { VouchersService } from './vouchers.service';

export type OrderJob = { name: typeof ORDER_PLACED_JOB; data: { orderId: string } };

/**
 * Fulfils placed orders: issues the voucher and moves the order `pending` → `ready`, in one
 * transaction with the order row locked. Idempotent: a retried, duplicated or half-done job finds the
 * voucher (one per order) or the order already ready and does nothing more. A missing order fails.
 */
@Processor(QUEUES.orders, PROCESSOR_OPTIONS)
export class OrderFulfilmentProcessor extends WorkerHost {
  private readonly log = new Logger('OrderFulfilment');

  constructor(
    private readonly tx: TransactionService,
    private readonly vouchers: VouchersService,
    private readonly notifications: NotificationsService,
  ) {
    super();
  }

  async process(job: Job): Promise<{ orderId: string; outcome: string }> {
    if (job.name !== ORDER_PLACED_JOB) throw new Error(`unknown job ${job.name} on the orders queue`);
    return this.fulfil((job.data as OrderJob['data']).orderId);
  }

  async fulfil(orderId: string): Promise<{ orderId: string; outcome: string }> {
    return this.tx.run(async (em) => {
      const order = await em
        .getRepository(OrderEntity)
        .findOne({ where: { id: orderId }, lock: { mode: 'pessimistic_write' } });
      if (!order) throw new Error(`order ${orderId} does not exist`);
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
