import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { CREDIT_LEVELS, type CreditLevel } from '../../earning/credit-levels';
import { ENTITLEMENT_KINDS, type EntitlementKind, type IneligibleReason } from '../entitlement-rules';
import { IsOptional } from '../../common/validation';

/** The largest amount a single use may carry: one million yuan. */
export const MAX_AMOUNT_FEN = 100_000_000;

export class PolicyParams {
  @ApiProperty({ description: 'the region (city, district, street, community or village)' })
  @IsUUID()
  id: string;

  @ApiProperty({ enum: ENTITLEMENT_KINDS })
  @IsIn(ENTITLEMENT_KINDS)
  kind: EntitlementKind;
}

export class PutPolicyDto {
  @ApiProperty({ enum: CREDIT_LEVELS, example: 'AAA' })
  @IsIn(CREDIT_LEVELS)
  minCreditLevel: CreditLevel;

  @ApiPropertyOptional({ description: 'uses per resident and year; absent: no yearly limit', example: 10 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000)
  yearlyQuota?: number;

  @ApiPropertyOptional({
    description: 'treat_first_pay_later only: cap on a resident’s unpaid deferred bills, fen; absent: no cap',
    example: 500_000,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_AMOUNT_FEN)
  maxOutstandingFen?: number;

  @ApiPropertyOptional({ description: 'checkup_discount only (required there): percentage off', example: 20 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  discountPercent?: number;

  @ApiPropertyOptional({
    description:
      'treat_first_pay_later only: an unpaid bill becomes overdue after this many days (default 30)',
    example: 30,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  overdueAfterDays?: number;
}

export class VerifyDto {
  @ApiProperty({ description: 'the code of the resident’s pass (GET /me/pass)' })
  @IsString()
  @Length(1, 300)
  passCode: string;

  @ApiProperty({ enum: ENTITLEMENT_KINDS })
  @IsIn(ENTITLEMENT_KINDS)
  kind: EntitlementKind;

  @ApiPropertyOptional({
    description: 'treat_first_pay_later: check that a bill of this size fits under the cap',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_AMOUNT_FEN)
  amountFen?: number;
}

export class RecordUseDto {
  @ApiProperty({ description: 'the code of the resident’s pass (GET /me/pass)' })
  @IsString()
  @Length(1, 300)
  passCode: string;

  @ApiProperty({ enum: ENTITLEMENT_KINDS })
  @IsIn(ENTITLEMENT_KINDS)
  kind: EntitlementKind;

  @ApiPropertyOptional({
    description:
      'fen: the deferred bill (required for treat_first_pay_later), the waived deposit, or the check-up fee before the discount',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_AMOUNT_FEN)
  amountFen?: number;
}

export class SettleUseDto {
  @ApiPropertyOptional({ maxLength: 300, description: 'e.g. the hospital’s receipt number' })
  @IsOptional()
  @IsString()
  @Length(1, 300)
  note?: string;
}

export const USE_FILTERS = ['outstanding', 'overdue', 'settled', 'recorded'] as const;
export type UseFilter = (typeof USE_FILTERS)[number];

export class UsesQuery extends PageQuery {
  @ApiPropertyOptional({
    enum: USE_FILTERS,
    description:
      'outstanding: unpaid deferred bills (overdue ones included); overdue: unpaid past due; settled: paid; recorded: meals, waivers, check-ups',
  })
  @IsOptional()
  @IsIn(USE_FILTERS)
  status?: UseFilter;

  @ApiPropertyOptional({ enum: ENTITLEMENT_KINDS })
  @IsOptional()
  @IsIn(ENTITLEMENT_KINDS)
  kind?: EntitlementKind;

  @ApiPropertyOptional({ description: 'street offices and city admins: a region inside their scope' })
  @IsOptional()
  @IsUUID()
  regionId?: string;
}

export interface PassView {
  code: string;
  expiresAt: Date;
  /** The level at issue time; verification re-checks the live level. */
  creditLevel: CreditLevel;
}

export interface EffectivePolicyView {
  kind: EntitlementKind;
  minCreditLevel: CreditLevel;
  yearlyQuota: number | null;
  maxOutstandingFen: number | null;
  discountPercent: number | null;
  overdueAfterDays: number | null;
  /** The region whose policy applies, or null for the built-in default. */
  sourceRegionId: string | null;
  sourceRegionName: string | null;
  /** True when the policy comes from an ancestor or the default, not from this region. */
  inherited: boolean;
}

export interface VerifyView {
  eligible: boolean;
  reason?: IneligibleReason;
  message?: string;
  kind: EntitlementKind;
  creditLevel: CreditLevel;
  passCreditLevel: CreditLevel;
  minCreditLevel: CreditLevel;
  resident: { id: string; displayName: string };
  passExpiresAt: Date;
  policyRegionId: string | null;
  yearlyQuota?: number;
  remaining?: number;
  outstandingFen?: number;
  maxOutstandingFen?: number | null;
  availableFen?: number | null;
  overdueBills?: number;
  discountPercent?: number;
}

export interface UseView {
  id: string;
  kind: EntitlementKind;
  status: string;
  residentId: string;
  residentName?: string;
  organizationId: string;
  recordedBy: string;
  creditLevel: CreditLevel;
  year: number;
  amountFen: number | null;
  discountPercent: number | null;
  /** checkup_discount: the fee to pay after the discount. */
  payableFen: number | null;
  dueAt: Date | null;
  overdueAt: Date | null;
  settledAt: Date | null;
  createdAt: Date;
  /** After this use: what is left of the yearly quota (kinds with one). */
  remaining?: number;
  /** After this use: the resident's unpaid deferred bills (treat_first_pay_later). */
  outstandingFen?: number;
}
