import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { IsOptional } from '../../common/validation';
import {
  MAX_REQUEST_MINUTES,
  MUTUAL_AID_KINDS,
  MUTUAL_AID_STATUSES,
  type MutualAidKind,
  type MutualAidStatus,
} from '../mutual-aid-rules';

/** The most minutes one gift may move (a cap-sized wallet fits in a few gifts). */
export const MAX_GIFT_MINUTES = 10_000_000;

export class CreateMutualAidRequestDto {
  @ApiProperty({ enum: MUTUAL_AID_KINDS })
  @IsIn(MUTUAL_AID_KINDS)
  kind: MutualAidKind;

  @ApiProperty({ example: '周三上午陪同去市医院复查' })
  @IsString()
  @Length(1, 1000)
  description: string;

  @ApiProperty({ example: '2026-12-10T01:30:00Z', description: 'when the help is wanted' })
  @IsISO8601({ strict: true })
  wantedAt: string;

  @ApiProperty({ minimum: 1, maximum: MAX_REQUEST_MINUTES, description: 'the minutes the help should take' })
  @IsInt()
  @Min(1)
  @Max(MAX_REQUEST_MINUTES)
  minutes: number;

  @ApiPropertyOptional({ description: 'grid workers: the resident asked for' })
  @IsOptional()
  @IsUUID()
  forResidentId?: string;

  @ApiPropertyOptional({
    default: false,
    description: "pay with the resident's stored minutes: held when claimed, moved at confirmation",
  })
  @IsOptional()
  @IsBoolean()
  payWithStoredTime?: boolean;
}

export class CompleteMutualAidRequestDto {
  @ApiProperty({ minimum: 1, maximum: MAX_REQUEST_MINUTES, description: 'the minutes the help took' })
  @IsInt()
  @Min(1)
  @Max(MAX_REQUEST_MINUTES)
  minutes: number;
}

export class MutualAidRequestsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: MUTUAL_AID_STATUSES })
  @IsOptional()
  @IsIn(MUTUAL_AID_STATUSES)
  status?: MutualAidStatus;

  @ApiPropertyOptional({ description: "staff: a community of their scope (default: the caller's own)" })
  @IsOptional()
  @IsUUID()
  communityId?: string;
}

export class TimeGiftDto {
  @ApiProperty({ description: 'a member of your household' })
  @IsUUID()
  toResidentId: string;

  @ApiProperty({ minimum: 1, maximum: MAX_GIFT_MINUTES })
  @IsInt()
  @Min(1)
  @Max(MAX_GIFT_MINUTES)
  minutes: number;
}
