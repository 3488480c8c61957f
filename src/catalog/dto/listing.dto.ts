import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsInt,
  IsISO8601,
  IsString,
  IsUrl,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateIf,
  ValidationArguments,
} from 'class-validator';
import { PageQuery } from '../../common/pagination';
import {
  CREDIT_LEVELS,
  LIMIT_PERIODS,
  LISTING_KINDS,
  LISTING_STATUSES,
  type CreditLevel,
  type LimitPeriod,
  type ListingKind,
  type ListingStatus,
} from '../catalog-rules';
import { IsOptional, Nested } from '../../common/validation';

export const MAX_POINTS_PRICE = 1_000_000;
export const MAX_STOCK = 1_000_000_000;
export const MAX_RESTOCK = 1_000_000;

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;

/** An ISO-8601 date (UTC midnight) or date-time with a zone: `2026-01-01T00:00:00Z`. */
const IsIsoDateTime = () =>
  applyDecorators(
    IsISO8601(
      { strict: true },
      { message: '$property must be an ISO-8601 date-time with a time zone, e.g. 2026-01-01T00:00:00Z' },
    ),
    Matches(ISO_DATE_TIME, {
      message: '$property must be an ISO-8601 date-time with a time zone, e.g. 2026-01-01T00:00:00Z',
    }),
  );

/** The decorated date must be later than the sibling `field` (when both are given and valid). */
const IsAfter = (field: string) =>
  ValidateBy({
    name: 'isAfter',
    constraints: [field],
    validator: {
      validate: (value: unknown, args?: ValidationArguments) => {
        const other = (args?.object as Record<string, unknown>)[field];
        if (typeof value !== 'string' || typeof other !== 'string') return true;
        const a = Date.parse(value);
        const b = Date.parse(other);
        return Number.isNaN(a) || Number.isNaN(b) || a > b;
      },
      defaultMessage: (args?: ValidationArguments) => `${args?.property} must be after ${field}`,
    },
  });

export class PerResidentLimitDto {
  @ApiProperty({ minimum: 1, maximum: 10_000, example: 2 })
  @IsInt()
  @Min(1)
  @Max(10_000)
  count: number;

  @ApiProperty({ enum: LIMIT_PERIODS, example: 'month' })
  @IsIn(LIMIT_PERIODS)
  period: LimitPeriod;
}

export class EligibilityDto {
  @ApiPropertyOptional({ enum: CREDIT_LEVELS, description: 'lowest credit level that may order' })
  @IsOptional()
  @IsIn(CREDIT_LEVELS)
  minCreditLevel?: CreditLevel;

  @ApiPropertyOptional({ minimum: 0, maximum: 150, example: 60 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(150)
  minAge?: number;
}

export class ScopeDto {
  @ApiProperty({
    description:
      'a community, village, street or city in the provider’s city: residents of that region and below see and may order the listing',
  })
  @IsUUID()
  regionId: string;
}

export class CreateListingDto {
  @ApiProperty({ enum: LISTING_KINDS })
  @IsIn(LISTING_KINDS)
  kind: ListingKind;

  @ApiProperty({ example: '大米 5kg', maxLength: 200 })
  @IsString()
  @Length(1, 200)
  title: string;

  @ApiProperty({ example: '东北大米,每袋5公斤', maxLength: 4000 })
  @IsString()
  @MaxLength(4000)
  description: string;

  @ApiProperty({ minimum: 1, maximum: MAX_POINTS_PRICE, example: 50 })
  @IsInt()
  @Min(1)
  @Max(MAX_POINTS_PRICE)
  pointsPrice: number;

  @ApiProperty({
    type: Number,
    nullable: true,
    minimum: 0,
    description: 'units left to order; null for unlimited (fixed at creation)',
  })
  @ValidateIf((o: CreateListingDto) => o.stock !== null)
  @IsInt({ message: 'stock must be a non-negative integer, or null for unlimited' })
  @Min(0)
  @Max(MAX_STOCK)
  stock: number | null;

  @ApiPropertyOptional({ type: PerResidentLimitDto })
  @IsOptional()
  @Nested(() => PerResidentLimitDto)
  perResidentLimit?: PerResidentLimitDto;

  @ApiPropertyOptional({ type: EligibilityDto })
  @IsOptional()
  @Nested(() => EligibilityDto)
  eligibility?: EligibilityDto;

  @ApiProperty({ type: ScopeDto })
  @IsDefined({ message: 'scope must be an object like {"regionId": "..."}' })
  @Nested(() => ScopeDto)
  scope: ScopeDto;

  @ApiPropertyOptional({ example: '2026-01-01T00:00:00Z' })
  @IsOptional()
  @IsIsoDateTime()
  validFrom?: string;

  @ApiPropertyOptional({ example: '2026-12-31T16:00:00Z', description: 'must be after validFrom' })
  @IsOptional()
  @IsIsoDateTime()
  @IsAfter('validFrom')
  validUntil?: string;

  @ApiProperty({ minimum: 1, maximum: 3650, example: 30 })
  @IsInt()
  @Min(1)
  @Max(3650)
  redeemWithinDays: number;

  @ApiPropertyOptional({ minimum: 0, description: 'cost of one unit in fen (funding reports)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  unitCostFen?: number;

  @ApiPropertyOptional({ description: 'the donation the goods or service came from' })
  @IsOptional()
  @IsUUID()
  donationId?: string;

  @ApiPropertyOptional({ example: 'https://example.org/rice.jpg', maxLength: 500 })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(500)
  imageUrl?: string;

  @ApiPropertyOptional({ description: 'defaults to the caller’s organisation' })
  @IsOptional()
  @IsUUID()
  providerOrganizationId?: string;
}

/**
 * Every field may be left out; nullable ones may be set to null to clear them. Stock changes only
 * through restock (and orders), never by PATCH; the provider never changes.
 */
export class UpdateListingDto {
  @ApiPropertyOptional({ enum: LISTING_KINDS })
  @IsOptional()
  @IsIn(LISTING_KINDS)
  kind?: ListingKind;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  title?: string;

  @ApiPropertyOptional({ maxLength: 4000 })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  description?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_POINTS_PRICE })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_POINTS_PRICE)
  pointsPrice?: number;

  @ApiPropertyOptional({ type: PerResidentLimitDto, nullable: true })
  @IsOptional({ nullable: true })
  @Nested(() => PerResidentLimitDto)
  perResidentLimit?: PerResidentLimitDto | null;

  @ApiPropertyOptional({ type: EligibilityDto, nullable: true })
  @IsOptional({ nullable: true })
  @Nested(() => EligibilityDto)
  eligibility?: EligibilityDto | null;

  @ApiPropertyOptional({ type: ScopeDto })
  @IsOptional()
  @Nested(() => ScopeDto)
  scope?: ScopeDto;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional({ nullable: true })
  @IsIsoDateTime()
  validFrom?: string | null;

  @ApiPropertyOptional({ nullable: true, description: 'must be after validFrom' })
  @IsOptional({ nullable: true })
  @IsIsoDateTime()
  @IsAfter('validFrom')
  validUntil?: string | null;

  @ApiPropertyOptional({ minimum: 1, maximum: 3650 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  redeemWithinDays?: number;

  @ApiPropertyOptional({ nullable: true, minimum: 0 })
  @IsOptional({ nullable: true })
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  unitCostFen?: number | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional({ nullable: true })
  @IsUUID()
  donationId?: string | null;

  @ApiPropertyOptional({ nullable: true, maxLength: 500 })
  @IsOptional({ nullable: true })
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(500)
  imageUrl?: string | null;

  @ApiPropertyOptional({
    description: 'the version the edit is based on; 409 CONFLICT when the listing changed since',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  version?: number;
}

export class RestockDto {
  @ApiProperty({ minimum: 1, maximum: MAX_RESTOCK, example: 20 })
  @IsInt()
  @Min(1)
  @Max(MAX_RESTOCK)
  quantity: number;
}

export class ListListingsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: LISTING_KINDS })
  @IsOptional()
  @IsIn(LISTING_KINDS)
  kind?: ListingKind;

  @ApiPropertyOptional({ description: 'text in the title' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  q?: string;

  @ApiPropertyOptional({
    description: 'only listings that circulate in this region (scoped to it or to one of its ancestors)',
  })
  @IsOptional()
  @IsUUID()
  regionId?: string;

  @ApiPropertyOptional({
    description:
      'provider staff: the listings they manage (any status, any validity window) instead of what they may order',
  })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' || value === true ? true : value === 'false' ? false : value))
  @IsIn([true, false], { message: 'manage must be true or false' })
  manage?: boolean;

  @ApiPropertyOptional({ enum: LISTING_STATUSES, description: 'with manage=true only' })
  @IsOptional()
  @IsIn(LISTING_STATUSES)
  status?: ListingStatus;
}

export class PerResidentLimitView {
  @ApiProperty() count: number;
  @ApiProperty({ enum: LIMIT_PERIODS }) period: LimitPeriod;
}

export class EligibilityView {
  @ApiPropertyOptional({ enum: CREDIT_LEVELS }) minCreditLevel?: CreditLevel;
  @ApiPropertyOptional() minAge?: number;
}

export class ScopeView {
  @ApiProperty() regionId: string;
  @ApiPropertyOptional() name?: string;
  @ApiPropertyOptional() kind?: string;
}

export class ProviderView {
  @ApiProperty() id: string;
  @ApiPropertyOptional() name?: string;
  @ApiPropertyOptional() type?: string;
}

export class ListingView {
  @ApiProperty() id: string;
  @ApiProperty({ enum: LISTING_KINDS }) kind: ListingKind;
  @ApiProperty() title: string;
  @ApiProperty() description: string;
  @ApiProperty() pointsPrice: number;
  @ApiProperty({ type: Number, nullable: true, description: 'left to order; null = unlimited' })
  stock: number | null;
  @ApiProperty({ type: PerResidentLimitView, nullable: true }) perResidentLimit: PerResidentLimitView | null;
  @ApiProperty({ type: EligibilityView }) eligibility: EligibilityView;
  @ApiProperty({ type: ScopeView }) scope: ScopeView;
  @ApiProperty({ type: String, nullable: true }) validFrom: string | null;
  @ApiProperty({ type: String, nullable: true }) validUntil: string | null;
  @ApiProperty() redeemWithinDays: number;
  @ApiProperty({ type: Number, nullable: true }) unitCostFen: number | null;
  @ApiProperty({ type: String, nullable: true }) donationId: string | null;
  @ApiProperty({ type: String, nullable: true }) imageUrl: string | null;
  @ApiProperty({ enum: LISTING_STATUSES }) status: ListingStatus;
  @ApiProperty() providerOrganizationId: string;
  @ApiProperty({ type: ProviderView }) provider: ProviderView;
  @ApiProperty({ description: 'published and inside its validity window now' }) available: boolean;
  @ApiProperty() createdBy: string;
  @ApiProperty() version: number;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class ListingPage {
  @ApiProperty({ type: ListingView, isArray: true }) items: ListingView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
