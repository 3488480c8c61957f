import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  NotEquals,
} from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { DECLARATION_STATUSES, type DeclarationStatus } from '../entities/declaration.entity';
import { RULE_KINDS, type RuleKind } from '../entities/point-rule.entity';
import { MAX_RULE_POINTS } from '../rule-tree';
import { IsOptional } from '../../common/validation';

const toBool = ({ value }: { value: unknown }) =>
  value === true || value === 'true' || value === '1'
    ? true
    : value === false || value === 'false' || value === '0'
      ? false
      : value;

export class CreateRuleDto {
  @ApiProperty({ enum: RULE_KINDS })
  @IsIn(RULE_KINDS)
  kind: RuleKind;

  @ApiProperty({ example: '认领树木/植树护绿' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiPropertyOptional({ description: 'an indicator of the same rule book' })
  @IsOptional()
  @IsUUID()
  parentId?: string;

  @ApiPropertyOptional({
    description: 'items only: a non-zero integer, negative for a deduction',
    example: 2,
  })
  @IsOptional()
  @IsInt()
  @NotEquals(0)
  @Min(-MAX_RULE_POINTS)
  @Max(MAX_RULE_POINTS)
  points?: number;

  @ApiPropertyOptional({ example: '生态环境' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  category?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(0, 1000)
  description?: string;

  @ApiPropertyOptional({ description: 'position among its siblings' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100_000)
  sortOrder?: number;
}

export class UpdateRuleDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ description: 'items only; applies to awards given from now on' })
  @IsOptional()
  @IsInt()
  @NotEquals(0)
  @Min(-MAX_RULE_POINTS)
  @Max(MAX_RULE_POINTS)
  points?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 64)
  category?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(0, 1000)
  description?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100_000)
  sortOrder?: number;
}

export class ImportRulesDto {
  @ApiProperty({
    description:
      'the rule book as a nested tree: [{kind: "indicator", name, children: [{kind: "item", name, points, category?, description?}]}]',
    type: 'array',
    items: { type: 'object' },
  })
  @IsArray()
  rules: unknown[];

  @ApiPropertyOptional({ description: 'import under this indicator (default: at the top of the book)' })
  @IsOptional()
  @IsUUID()
  parentId?: string;

  @ApiPropertyOptional({ description: 'retire every current rule first (default false: add to the book)' })
  @IsOptional()
  @IsBoolean()
  replace?: boolean;
}

export class RuleTreeQuery {
  @ApiPropertyOptional({ description: 'include retired rules (marked `retired: true`)' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  includeRetired?: boolean;
}

export class CreateAwardDto {
  @ApiProperty()
  @IsUUID()
  residentId: string;

  @ApiProperty({ description: 'an item of the resident’s community rule book' })
  @IsUUID()
  ruleId: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(0, 1000)
  note?: string;
}

export class CreateDeclarationDto {
  @ApiProperty()
  @IsUUID()
  ruleId: string;

  @ApiProperty({ example: '2026-03-12T09:30:00Z' })
  @IsISO8601({ strict: true })
  occurredAt: string;

  @ApiProperty({ example: '在小区里帮忙修剪绿化' })
  @IsString()
  @Length(1, 1000)
  note: string;

  @ApiPropertyOptional({
    description: 'grid workers: the resident declared for (recorded as a proxy declaration)',
  })
  @IsOptional()
  @IsUUID()
  residentId?: string;
}

export class RejectDeclarationDto {
  @ApiProperty({ example: '未能核实' })
  @IsString()
  @Length(1, 1000)
  reason: string;
}

export class DeclarationsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: DECLARATION_STATUSES })
  @IsOptional()
  @IsIn(DECLARATION_STATUSES)
  status?: DeclarationStatus;

  @ApiPropertyOptional({ description: 'staff: one community of their scope' })
  @IsOptional()
  @IsUUID()
  communityId?: string;

  @ApiPropertyOptional({ description: 'staff: one resident' })
  @IsOptional()
  @IsUUID()
  residentId?: string;
}

export class YearQuery {
  @ApiPropertyOptional({ description: 'calendar year (China time); default the current one', example: 2026 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  year?: number;
}

export class CreditQuery extends YearQuery {
  @ApiPropertyOptional({ description: 'hospital and canteen staff: the resident pass shown at the counter' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  passCode?: string;
}

export class BaseGrantDto {
  @ApiProperty({ example: 2026 })
  @IsInt()
  @Min(2000)
  @Max(2100)
  year: number;
}

export class RankingsQuery extends PageQuery {
  @ApiPropertyOptional({
    description: 'a community, village, street, district or city (default: your own region)',
  })
  @IsOptional()
  @IsUUID()
  regionId?: string;

  @ApiPropertyOptional({ example: 2026 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  year?: number;
}

export class BoardsQuery extends YearQuery {
  @ApiPropertyOptional({
    description: 'red board of one month of the year instead of the whole year',
    minimum: 1,
    maximum: 12,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(12)
  month?: number;

  @ApiPropertyOptional({ default: 10, minimum: 1, maximum: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export class CreditThresholdsDto {
  @ApiProperty({ example: 180 })
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  aaa: number;

  @ApiProperty({ example: 120 })
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  aa: number;

  @ApiProperty({ example: 60 })
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  a: number;
}

export class EarningSettingsDto {
  @ApiPropertyOptional({
    description:
      'a yellow-board mark clears after this many days without a new deduction (unchanged when absent)',
    example: 30,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  yellowClearDays?: number;

  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    description:
      'points earned in year Y and unspent at the end of year Y + N expire; null: points never expire (the default); unchanged when absent',
    example: 1,
  })
  @IsOptional({ nullable: true })
  @IsInt()
  @Min(1)
  @Max(100)
  pointsValidYears?: number | null;
}

const AS_OF = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;

export class PointsExpiryDto {
  @ApiProperty({
    example: '2027-01-01',
    description:
      'expire what is due at this moment: a bare date is the start of that day in Asia/Shanghai (UTC+8), a date-time carries its zone; at most 31 days ahead',
  })
  @IsString()
  @IsISO8601(
    { strict: true },
    { message: '$property must be a date (2027-01-01) or a date-time with a zone' },
  )
  @Matches(AS_OF, { message: '$property must be a date (2027-01-01) or a date-time with a zone' })
  asOf: string;
}
