import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { HealthCheck, HealthCheckResult, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '../common/decorators';
import { refuse } from '../common/errors';
import { RedisHealthIndicator } from './redis.health';
import { ApiErrors } from '../common/openapi';
import { HealthStatus } from './dto/health.views';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
  ) {}

  @ApiOperation({ summary: 'Whether MySQL and Redis answer' })
  @ApiOkResponse({ type: HealthStatus })
  @ApiErrors('SERVICE_UNAVAILABLE')
  /**
   * 200 `{status: "ok", info: {mysql, redis}}` when MySQL and Redis answer; otherwise 503 in the
   * error shape, naming what is down (`details.down`, and terminus's `info`/`error` in `details`).
   */
  @Get()
  @Public()
  @SkipThrottle()
  @HealthCheck()
  async check(): Promise<HealthCheckResult> {
    try {
      return await this.health.check([
        () => this.db.pingCheck('mysql', { timeout: 1500 }),
        () => this.redis.check('redis'),
      ]);
    } catch (err) {
      if (!(err instanceof ServiceUnavailableException)) throw err;
      const result = err.getResponse() as HealthCheckResult;
      const down = Object.keys(result.error ?? {});
      throw refuse('SERVICE_UNAVAILABLE', { down, status: result.status, info: result.info, error: result.error }, `unhealthy: ${down.join(', ') || 'unknown'} down`);
    }
  }
}
