import { ApiProperty } from '@nestjs/swagger';

/** What the health routes answer, as the OpenAPI document describes it. */

export class HealthStatusInfoMysql {
  @ApiProperty({ type: 'integer' })
  responseTime: number;

  @ApiProperty({ type: 'string' })
  status: string;
}

export class HealthStatusInfoRedis {
  @ApiProperty({ type: 'string' })
  status: string;
}

export class HealthStatusInfo {
  @ApiProperty({ type: () => HealthStatusInfoMysql })
  mysql: HealthStatusInfoMysql;

  @ApiProperty({ type: () => HealthStatusInfoRedis })
  redis: HealthStatusInfoRedis;
}

export class HealthStatusError {}

export class HealthStatus {
  @ApiProperty({ type: 'string' })
  status: string;

  @ApiProperty({ type: () => HealthStatusInfo })
  info: HealthStatusInfo;

  @ApiProperty({ type: () => HealthStatusError })
  error: HealthStatusError;

  @ApiProperty({ type: () => HealthStatusInfo })
  details: HealthStatusInfo;
}
