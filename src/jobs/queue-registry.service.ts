import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../config/configuration';
import { DEFAULT_JOB_OPTIONS } from './queues';
import { producerRedisOptions } from './redis-options';

/** Producer-side queues by name, with fail-fast connections, shared by the relay and admin tools. */
@Injectable()
export class QueueRegistry implements OnApplicationShutdown {
  private readonly queues = new Map<string, Queue>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, {
        connection: producerRedisOptions(this.config.redisUrl),
        prefix: this.config.queuePrefix,
        defaultJobOptions: DEFAULT_JOB_OPTIONS,
      });
      q.on('error', () => undefined); // connection errors surface on the calls that need Redis
      this.queues.set(name, q);
    }
    return q;
  }

  /** Closes every queue, even while Redis is down (see closeQueue). */
  async onApplicationShutdown(): Promise<void> {
    const queues = [...this.queues.values()];
    this.queues.clear();
    await Promise.allSettled(queues.map(closeQueue));
  }
}

/**
 * Closes a queue without waiting for Redis. While Redis is down, BullMQ's close() sends QUIT: a
 * connection that queues commands offline waits for ever, one that does not leaves its client
 * reconnecting for ever (a process that never exits). Disconnecting the client first avoids both.
 */
export async function closeQueue(q: Queue): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const client = await Promise.race([
    q.getBackend().client,
    new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), 1000))),
  ]).catch(() => null);
  clearTimeout(timer);
  if (client && client.status !== 'ready') client.disconnect();
  await q.close().catch(() => undefined);
  client?.disconnect();
}
