import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '../config/configuration';
import { producerRedisOptions } from '../jobs/redis-options';

@Injectable()
export class RedisHealthIndicator implements OnModuleDestroy {
  private readonly client: Redis;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly indicator: HealthIndicatorService,
  ) {
    this.client = new Redis({ ...producerRedisOptions(config.redisUrl), lazyConnect: true });
    this.client.on('error', () => undefined);
  }

  async check(key = 'redis') {
    const h = this.indicator.check(key);
    try {
      if (this.client.status === 'wait' || this.client.status === 'end')
        await this.client.connect().catch(() => undefined);
      const pong = await Promise.race([
        this.client.ping(),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('timeout after 1000 ms')), 1000).unref(),
        ),
      ]);
      return pong === 'PONG' ? h.up() : h.down({ message: `unexpected answer ${pong}` });
    } catch (err) {
      return h.down({ message: (err as Error).message });
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.client.disconnect();
  }
}
