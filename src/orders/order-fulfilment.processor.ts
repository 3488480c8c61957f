import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job } from 'bullmq';
import { GroupCommit, Outcome } from '../common/group-commit';
import { QUEUES } from '../jobs/queues';
import { PROCESSOR_OPTIONS } from '../jobs/worker-runner.service';
import { Fulfilled, OrderFulfilment } from './order-fulfilment.service';
import { ORDER_PLACED_JOB } from './orders.service';

export type OrderJob = { name: typeof ORDER_PLACED_JOB; data: { orderId: string } };

/**
 * Jobs of this queue a worker runs at once: they are gathered into batches (one transaction each),
 * so this bounds the batch size rather than the load on the database.
 */
export const FULFILMENT_CONCURRENCY = 64;

/**
 * The fast path of fulfilment: the job the outbox relay queues for a placed order. The jobs a
 * worker holds at once are fulfilled in batches (group commit: one transaction for the orders of
 * one moment, `OrderFulfilment.fulfilMany`); a batch that fails whole is done one order at a time.
 * The database stays the authority: an order whose job is lost, stuck behind a dead worker's lock
 * or waiting for Redis is fulfilled by the reconciler (order-sweeper.service.ts). A missing order
 * fails the job.
 */
@Processor(QUEUES.orders, { ...PROCESSOR_OPTIONS, concurrency: FULFILMENT_CONCURRENCY })
export class OrderFulfilmentProcessor extends WorkerHost {
  private readonly log = new Logger('OrderFulfilmentProcessor');
  private readonly batcher = new GroupCommit<string, Fulfilled>({
    maxBatch: FULFILMENT_CONCURRENCY,
    maxWaitMs: 2,
    flush: (ids) => this.flush(ids),
  });

  constructor(private readonly fulfilment: OrderFulfilment) {
    super();
  }

  async process(job: Job): Promise<Fulfilled> {
    if (job.name !== ORDER_PLACED_JOB) throw new Error(`unknown job ${job.name} on the orders queue`);
    return this.batcher.submit((job.data as OrderJob['data']).orderId);
  }

  /** One order on its own (the demo seed, and a batch's fallback). */
  fulfil(orderId: string): Promise<Fulfilled> {
    return this.fulfilment.fulfil(orderId);
  }

  private async flush(ids: string[]): Promise<Outcome<Fulfilled>[]> {
    try {
      return await this.fulfilment.fulfilMany(ids);
    } catch (err) {
      this.log.warn(`a batch of ${ids.length} orders failed whole (${(err as Error).message}): one by one`);
      const out: Outcome<Fulfilled>[] = [];
      for (const id of ids)
        out.push(
          await this.fulfil(id).then(
            (value): Outcome<Fulfilled> => ({ ok: true, value }),
            (error: unknown): Outcome<Fulfilled> => ({ ok: false, error }),
          ),
        );
      return out;
    }
  }
}
