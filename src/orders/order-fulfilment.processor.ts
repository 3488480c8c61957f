import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { QUEUES } from '../jobs/queues';
import { PROCESSOR_OPTIONS } from '../jobs/worker-runner.service';
import { Fulfilled, OrderFulfilment } from './order-fulfilment.service';
import { ORDER_PLACED_JOB } from './orders.service';

export type OrderJob = { name: typeof ORDER_PLACED_JOB; data: { orderId: string } };

/**
 * The fast path of fulfilment: the job the outbox relay queues for a placed order. The database
 * stays the authority: an order whose job is lost, stuck behind a dead worker's lock or waiting for
 * Redis is fulfilled by the reconciler (order-sweeper.service.ts). A missing order fails the job.
 */
@Processor(QUEUES.orders, PROCESSOR_OPTIONS)
export class OrderFulfilmentProcessor extends WorkerHost {
  constructor(private readonly fulfilment: OrderFulfilment) {
    super();
  }

  async process(job: Job): Promise<Fulfilled> {
    if (job.name !== ORDER_PLACED_JOB) throw new Error(`unknown job ${job.name} on the orders queue`);
    return this.fulfil((job.data as OrderJob['data']).orderId);
  }

  fulfil(orderId: string): Promise<Fulfilled> {
    return this.fulfilment.fulfil(orderId);
  }
}
