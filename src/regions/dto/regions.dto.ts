import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { ORGANIZATION_TYPES, type OrganizationType } from '../entities/organization.entity';
import { REGION_KINDS, type RegionKind } from '../entities/region.entity';
import { IsOptional } from '../../common/validation';

export class CreateRegionDto {
  @ApiProperty({ example: '桃花园社区' })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiProperty({ enum: REGION_KINDS })
  @IsIn(REGION_KINDS)
  kind: RegionKind;

  @ApiPropertyOptional({ description: 'required for every kind but city' })
  @IsOptional()
  @IsUUID()
  parentId?: string;
}

export class OrganizationsQuery {
  @ApiPropertyOptional({
    description: 'only the organisations registered in this region (default: all of the caller’s scope)',
  })
  @IsOptional()
  @IsUUID()
  regionId?: string;
}

export class CreateOrganizationDto {
  @ApiProperty({ example: '惠民超市' })
  @IsString()
  @Length(1, 150)
  name: string;

  @ApiProperty({ enum: ORGANIZATION_TYPES })
  @IsIn(ORGANIZATION_TYPES)
  type: OrganizationType;

  @ApiProperty()
  @IsUUID()
  regionId: string;
}

/** 10 billion yuan in fen: beyond any village's income, well inside BIGINT and 2^53. */
export const MAX_INCOME_FEN = 1_000_000_000_000;

export class UpdateCommunityProfileDto {
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(10_000_000) population?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(10_000_000) households?: number;
  @ApiPropertyOptional({ description: 'yearly collective income in fen' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_INCOME_FEN)
  collectiveIncomeFen?: number;
  @ApiPropertyOptional({ default: 100 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100_000)
  baseGrantPoints?: number;
  @ApiPropertyOptional({ default: 90000, description: 'the most minutes of help a resident may store' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  maxStoredMinutes?: number;

  @ApiPropertyOptional({
    default: 100,
    description: 'fen per point when another community’s provider redeems it (通兑)',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100_000)
  pointValueFen?: number;
}

export interface RegionNode {
  id: string;
  name: string;
  kind: RegionKind;
  parentId: string | null;
  children: RegionNode[];
}
