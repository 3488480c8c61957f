import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { RedisProbe } from '../jobs/redis-probe.service';

@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly probe: RedisProbe,
    private readonly indicator: HealthIndicatorService,
  ) {}

  async check(key = 'redis') {
    const h = this.indicator.check(key);
    const { up, message } = await this.probe.check();
    return up ? h.up() : h.down({ message });
  }
}
