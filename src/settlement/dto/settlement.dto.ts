import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, IsUUID, Matches } from 'class-validator';
import { IsOptional } from '../../common/validation';
import { PERIOD_PATTERN } from '../settlement-rules';

const PERIOD_MESSAGE = '$property must be a month YYYY-MM (2000-01 to 2100-12)';

export class SettlementQuery {
  @ApiPropertyOptional({
    description:
      'the region whose paying communities the statement covers (default: the caller’s region; provider staff: their city)',
  })
  @IsOptional()
  @IsUUID()
  regionId?: string;

  @ApiProperty({ example: '2026-11', description: 'a month on China’s calendar (UTC+8)' })
  @IsString()
  @Matches(PERIOD_PATTERN, { message: PERIOD_MESSAGE })
  period: string;
}

export class CloseSettlementDto {
  @ApiProperty({ description: 'a street, district or city (or one community) in the caller’s scope' })
  @IsUUID()
  regionId: string;

  @ApiProperty({ example: '2026-11', description: 'a month that has ended (China time)' })
  @IsString()
  @Matches(PERIOD_PATTERN, { message: PERIOD_MESSAGE })
  period: string;
}
