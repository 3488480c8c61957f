import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/configuration';
import { TransactionService } from '../database/transaction.service';
import { QueueRegistry } from './queue-registry.service';

interface OutboxRow {
  id: string;
  queue: string;
  name: string;
  payload: string;
  delay_ms: number | string;
}

/**
 * Moves committed outbox rows into BullMQ. Rows are claimed with FOR UPDATE SKIP LOCKED so that
 * several relays share the work; the job id is the row id, so a row that is added twice (a relay
 * that died after adding but before marking) is still one job.
 */
@Injectable()
export class OutboxRelay {
  private readonly log = new Logger('OutboxRelay');

  constructor(
    private readonly tx: TransactionService,
    private readonly queues: QueueRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Relays one batch; returns how many rows were sent. */
  async relayOnce(batchSize = 200): Promise<number> {
    return this.tx.run(async (em) => {
      const rows: OutboxRow[] = await em.query(
        `SELECT id, queue, name, payload,
                GREATEST(0, TIMESTAMPDIFF(MICROSECOND, CURRENT_TIMESTAMP(3), available_at) DIV 1000) AS delay_ms
           FROM outbox WHERE sent_at IS NULL ORDER BY available_at, id LIMIT ? FOR UPDATE SKIP LOCKED`,
        [batchSize],
      );
      if (!rows.length) return 0;
      for (const row of rows) {
        await this.queues
          .get(row.queue)
          .add(row.name, JSON.parse(row.payload), { jobId: row.id, delay: Number(row.delay_ms) });
      }
      await em.query(
        `UPDATE outbox SET sent_at = CURRENT_TIMESTAMP(3), attempts = attempts + 1 WHERE id IN (?)`,
        [rows.map((r) => r.id)],
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
    await this.tx.run((em) =>
      em.query(
        'DELETE FROM outbox WHERE sent_at IS NOT NULL AND sent_at < DATE_SUB(CURRENT_TIMESTAMP(3), INTERVAL ? DAY) LIMIT 1000',
        [retentionDays],
      ),
    );
  }

  get pollMs(): number {
    return this.config.outboxPollMs;
  }
}
