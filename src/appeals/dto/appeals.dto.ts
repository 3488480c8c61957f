import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, IsUUID, Length } from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { IsOptional } from '../../common/validation';
import { DECISIONS, type Decision } from '../appeal-rules';
import { APPEAL_STATUSES, type AppealStatus } from '../entities/appeal.entity';

export class CreateAppealDto {
  @ApiProperty({ format: 'uuid', description: 'the ledger transfer of the deduction (from the history)' })
  @IsUUID()
  transferId: string;

  @ApiProperty({ example: '那天我不在小区，扣分记错了人' })
  @IsString()
  @Length(1, 1000)
  reason: string;
}

export class DecideAppealDto {
  @ApiProperty({ enum: DECISIONS })
  @IsIn(DECISIONS)
  decision: Decision;

  @ApiPropertyOptional({ example: '经核实，当日监控显示并非本人', maxLength: 1000 })
  @IsOptional()
  @IsString()
  @Length(0, 1000)
  comment?: string;
}

export class MyAppealsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: APPEAL_STATUSES })
  @IsOptional()
  @IsIn(APPEAL_STATUSES)
  status?: AppealStatus;
}

export class AppealsQuery extends MyAppealsQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'one community of the caller’s scope' })
  @IsOptional()
  @IsUUID()
  communityId?: string;
}
