import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/configuration';
import { TransactionService } from '../database/transaction.service';
import { QueueRegistry } from './queue-registry.service';
import { OutboxRepository, OutboxRow } from './outbox.repository';

/**
 * Moves committed outbox rows into BullMQ, a batch of rows at a time (one `addBulk` per queue). Rows are claimed with FOR UPDATE SKIP LOCKED so that
 * several relays share the work; the job id is the row id, so a row that is added twice (a relay
 * that died after adding but before marking) is still one job.
 */
@Injectable()
export class OutboxRelay {
  private readonly log = new Logger('OutboxRelay');

  constructor(
    private readonly tx: TransactionService,
    private readonly queues: QueueRegistry,
    private readonly outbox: OutboxRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Relays one batch; returns how many rows were sent. */
  async relayOnce(batchSize = 200): Promise<number> {
    return this.tx.run(async (em) => {
      const rows = await this.outbox.claimUnsent(em, batchSize);
      if (!rows.length) return 0;
      // One round trip to Redis per queue (addBulk), not one per row.
      const byQueue = new Map<string, OutboxRow[]>();
      for (const row of rows) byQueue.set(row.queue, [...(byQueue.get(row.queue) ?? []), row]);
      for (const [queue, part] of byQueue)
        await this.queues.get(queue).addBulk(
          part.map((row) => ({
            name: row.name,
            data: JSON.parse(row.payload) as unknown,
            opts: { jobId: row.id, delay: Number(row.delay_ms) },
          })),
        );
      await this.outbox.markSent(
        em,
        rows.map((r) => r.id),
      );
      return rows.length;
    });
  }

  /** Relays until the outbox is empty or a batch fails (Redis down: the rows wait for the next tick). */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      let n: number;
      try {
        n = await this.relayOnce();
      } catch (err) {
        this.log.warn(`outbox relay paused: ${(err as Error).message}`);
        return total;
      }
      total += n;
      if (n === 0) return total;
    }
  }

  /** Deletes sent rows older than the retention (7 days) in small batches. */
  async prune(retentionDays = 7): Promise<void> {
    await this.tx.run((em) => this.outbox.pruneSent(em, retentionDays));
  }

  get pollMs(): number {
    return this.config.outboxPollMs;
  }
}
