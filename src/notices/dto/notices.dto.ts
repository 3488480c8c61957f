import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { IsOptional } from '../../common/validation';

export class NoticesQuery extends PageQuery {}

export class ObjectionsQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'only the objections to this notice', minimum: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  seq?: number;
}

export class ObjectionDto {
  @ApiProperty({ format: 'uuid', description: 'the community whose notice log holds the notice' })
  @IsUUID()
  communityId: string;

  @ApiProperty({ example: '扣分的时间不对，那天我不在小区' })
  @IsString()
  @Length(1, 1000)
  reason: string;
}
