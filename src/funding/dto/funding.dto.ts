import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
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
  ValidateIf,
} from 'class-validator';
import { PageQuery } from '../../common/pagination';
import {
  DONATION_KINDS,
  FUNDING_SOURCES,
  MAX_DONATION_ITEMS,
  type DonationKind,
  type FundingSource,
} from '../funding.types';
import { IsOptional, Nested } from '../../common/validation';

/** 10 billion yuan: far above any community's budget, far below 2^53 fen. */
export const MAX_AMOUNT_FEN = 1_000_000_000_000;
export const MAX_QUANTITY = 1_000_000;

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;
const IsIsoDateTime = () =>
  applyDecorators(
    IsISO8601(
      { strict: true },
      { message: '$property must be an ISO-8601 date or date-time, e.g. 2026-01-01' },
    ),
    Matches(ISO_DATE_TIME, { message: '$property must be an ISO-8601 date or date-time with a time zone' }),
  );

export class DonorDto {
  @ApiPropertyOptional({ description: 'a registered organisation (merchant, enterprise, charity fund, ...)' })
  @ValidateIf((o: DonorDto) => o.name === undefined || o.organizationId !== undefined)
  @IsUUID()
  organizationId?: string;

  @ApiPropertyOptional({ example: '爱心人士 王先生', description: 'a named donor without an organisation' })
  @ValidateIf((o: DonorDto) => o.organizationId === undefined || o.name !== undefined)
  @IsString()
  @Length(1, 150)
  name?: string;
}

export class DonationItemDto {
  @ApiProperty() @IsUUID() listingId: string;

  @ApiProperty({ minimum: 1 })
  @IsInt()
  @Min(1)
  @Max(MAX_QUANTITY)
  quantity: number;

  @ApiProperty({ minimum: 0, description: 'value of one unit in fen' })
  @IsInt()
  @Min(0)
  @Max(MAX_AMOUNT_FEN)
  unitValueFen: number;
}

export class CreateDonationDto {
  @ApiProperty({ type: DonorDto, description: '`{organizationId}` or `{name}`' })
  @IsDefined()
  @Nested(() => DonorDto)
  donor: DonorDto;

  @ApiProperty({ enum: FUNDING_SOURCES })
  @IsIn(FUNDING_SOURCES)
  source: FundingSource;

  @ApiProperty({ enum: DONATION_KINDS })
  @IsIn(DONATION_KINDS)
  kind: DonationKind;

  @ApiPropertyOptional({ description: 'cash and service: the amount or value in fen' })
  @ValidateIf((o: CreateDonationDto) => o.kind !== 'in_kind' || o.amountFen !== undefined)
  @IsInt()
  @Min(1)
  @Max(MAX_AMOUNT_FEN)
  amountFen?: number;

  @ApiPropertyOptional({ type: [DonationItemDto], description: 'in_kind: goods that restock listings' })
  @ValidateIf((o: CreateDonationDto) => o.kind === 'in_kind' || o.items !== undefined)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_DONATION_ITEMS)
  @Nested(() => DonationItemDto, { each: true })
  items?: DonationItemDto[];

  @ApiProperty() @IsUUID() communityId: string;

  @ApiProperty({
    example: '2026-03-01T09:30:00+08:00',
    description:
      'when the donation came in: a date-time with its zone, or a bare date (2026-03-01 = the start of that day in Asia/Shanghai); funding reports count a donation in the period it was received',
  })
  @IsIsoDateTime()
  receivedAt: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) note?: string;
}

export class CreateExpenseDto {
  @ApiProperty({ minimum: 1, description: 'paid out of the community fund, in fen' })
  @IsInt()
  @Min(1)
  @Max(MAX_AMOUNT_FEN)
  amountFen: number;

  @ApiProperty({ example: '采购积分超市商品' })
  @IsString()
  @Length(1, 300)
  purpose: string;

  @ApiPropertyOptional({ description: 'with quantity: the goods bought stock this listing (a lot)' })
  @ValidateIf((o: CreateExpenseDto) => o.listingId !== undefined || o.quantity !== undefined)
  @IsUUID()
  listingId?: string;

  @ApiPropertyOptional({ minimum: 1 })
  @ValidateIf((o: CreateExpenseDto) => o.listingId !== undefined || o.quantity !== undefined)
  @IsInt()
  @Min(1)
  @Max(MAX_QUANTITY)
  quantity?: number;
}

export class CreateFundingReportDto {
  @ApiProperty({ description: 'a street, community or village (or any region above them)' })
  @IsUUID()
  regionId: string;

  @ApiProperty({
    example: '2026-01-01',
    description:
      'start of the period, included: a bare date is the start of that day in Asia/Shanghai (UTC+8; 2026-01-01 = 2025-12-31T16:00:00Z), a date-time carries its zone',
  })
  @IsIsoDateTime()
  from: string;

  @ApiProperty({
    example: '2026-07-01',
    description:
      'end of the period, excluded: a bare date is the start of that day in Asia/Shanghai, so from 2026-01-01 to 2026-07-01 covers 1 January to 30 June (shown as "2026-01-01 至 2026-06-30（含）"); a date-time carries its zone',
  })
  @IsIsoDateTime()
  to: string;
}

export class ReviewFundingReportDto {
  @ApiProperty({ enum: ['approve', 'return'] })
  @IsIn(['approve', 'return'])
  decision: 'approve' | 'return';

  @ApiPropertyOptional({ description: 'required when returning' })
  @ValidateIf((o: ReviewFundingReportDto) => o.decision === 'return' || o.comment !== undefined)
  @IsString()
  @Length(1, 1000)
  comment?: string;
}

export class SubmitFundingReportDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(1000) comment?: string;
}

export class FundingReportQuery {
  @ApiPropertyOptional({ description: 'a version other than the newest built one' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  version?: number;
}

export class ListFundingReportsQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID() regionId?: string;
}
