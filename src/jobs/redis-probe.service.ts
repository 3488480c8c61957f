import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { queueUnavailable } from '../common/dependency-faults';
import { APP_CONFIG, AppConfig } from '../config/configuration';
import { producerRedisOptions } from './redis-options';

/** How long a PING may take before Redis counts as down. */
export const REDIS_PING_TIMEOUT_MS = 1000;

/**
 * Is Redis there? One fail-fast connection that PINGs with a deadline: for /health, and for the
 * routes that need Redis (Bull Board) to answer 503 `QUEUE_UNAVAILABLE` at once instead of waiting
 * on a dead connection. A result is reused for 250 ms, so a burst of requests sends one PING.
 */
@Injectable()
export class RedisProbe implements OnModuleDestroy {
  private readonly client: Redis;
  private last?: { at: number; result: Promise<{ up: boolean; message?: string }> };

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.client = new Redis({ ...producerRedisOptions(config.redisUrl), lazyConnect: true });
    this.client.on('error', () => undefined);
  }

  check(): Promise<{ up: boolean; message?: string }> {
    const now = Date.now();
    if (this.last && now - this.last.at < 250) return this.last.result;
    const result = this.ping();
    this.last = { at: now, result };
    return result;
  }

  /** Throws 503 QUEUE_UNAVAILABLE unless Redis answers. */
  async assertUp(): Promise<void> {
    if (!(await this.check()).up) throw queueUnavailable();
  }

  private async ping(): Promise<{ up: boolean; message?: string }> {
    let timer: NodeJS.Timeout | undefined;
    try {
      if (this.client.status === 'wait' || this.client.status === 'end')
        await this.client.connect().catch(() => undefined);
      const pong = await Promise.race([
        this.client.ping(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`timeout after ${REDIS_PING_TIMEOUT_MS} ms`)),
            REDIS_PING_TIMEOUT_MS,
          );
          timer.unref();
        }),
      ]);
      return pong === 'PONG' ? { up: true } : { up: false, message: `unexpected answer ${pong}` };
    } catch (err) {
      return { up: false, message: (err as Error).message };
    } finally {
      clearTimeout(timer);
    }
  }

  onModuleDestroy(): void {
    this.client.disconnect();
  }
}
