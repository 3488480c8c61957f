import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ENTITLEMENT_KINDS, USE_STATUSES } from '../entitlement-rules';

/** What the entitlements routes answer, as the OpenAPI document describes it. */

export class ResidentPass {
  @ApiProperty({ type: 'string' })
  code: string;

  @ApiProperty({ type: 'string', format: 'date-time' })
  expiresAt: string;

  @ApiProperty({ type: 'string' })
  creditLevel: string;
}

export class MyEntitlements {
  @ApiProperty({ type: 'integer' })
  year: number;

  @ApiProperty({ type: 'string' })
  creditLevel: string;

  @ApiProperty({ type: 'integer' })
  earnedPoints: number;

  @ApiProperty({ type: () => EntitlementStatus, isArray: true })
  entitlements: EntitlementStatus[];
}

export class PassKeys {
  @ApiProperty({ type: () => PassKeysKey, isArray: true })
  keys: PassKeysKey[];

  @ApiProperty({ type: 'integer' })
  passTtlSeconds: number;
}

export class PassKeysKey {
  @ApiProperty({ type: 'string' })
  kid: string;

  @ApiProperty({ type: 'string' })
  publicKey: string;

  @ApiProperty({ type: 'string' })
  algorithm: string;

  @ApiProperty({ type: 'string' })
  status: string;
}

export class EntitlementCheckResident {
  @ApiProperty({ type: 'string', format: 'uuid' })
  id: string;

  @ApiProperty({ type: 'string' })
  displayName: string;
}

export class EntitlementCheck {
  @ApiProperty({ type: 'boolean' })
  eligible: boolean;

  @ApiProperty({ type: 'string' })
  creditLevel: string;

  @ApiProperty({ type: 'string' })
  minCreditLevel: string;

  @ApiPropertyOptional({ type: 'integer' })
  yearlyQuota?: number;

  @ApiPropertyOptional({ type: 'integer' })
  remaining?: number;

  @ApiPropertyOptional({ type: 'integer' })
  outstandingFen?: number;

  @ApiPropertyOptional({ type: 'integer', nullable: true })
  maxOutstandingFen?: number | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true })
  availableFen?: number | null;

  @ApiPropertyOptional({ type: 'integer' })
  overdueBills?: number;

  @ApiProperty({ type: 'string', enum: ENTITLEMENT_KINDS })
  kind: string;

  @ApiProperty({ type: 'string' })
  passCreditLevel: string;

  @ApiProperty({ type: () => EntitlementCheckResident })
  resident: EntitlementCheckResident;

  @ApiProperty({ type: 'string', format: 'date-time' })
  passExpiresAt: string;

  @ApiProperty({ type: 'string', format: 'uuid', nullable: true })
  policyRegionId: string | null;

  @ApiPropertyOptional({ type: 'string', description: 'why not eligible' })
  reason?: string;

  @ApiPropertyOptional({ type: 'string' })
  message?: string;

  @ApiPropertyOptional({ type: 'integer' })
  discountPercent?: number;
}

export class EntitlementUse {
  @ApiProperty({ type: 'string', format: 'uuid' })
  id: string;

  @ApiProperty({ type: 'string', enum: ENTITLEMENT_KINDS })
  kind: string;

  @ApiProperty({ type: 'string', enum: USE_STATUSES })
  status: string;

  @ApiProperty({ type: 'string', format: 'uuid' })
  residentId: string;

  @ApiPropertyOptional({ type: 'string' })
  residentName?: string;

  @ApiProperty({ type: 'string', format: 'uuid' })
  organizationId: string;

  @ApiProperty({ type: 'string', format: 'uuid' })
  recordedBy: string;

  @ApiProperty({ type: 'string' })
  creditLevel: string;

  @ApiProperty({ type: 'integer' })
  year: number;

  @ApiProperty({ type: 'integer', nullable: true })
  amountFen: number | null;

  @ApiProperty({ type: 'integer', nullable: true })
  discountPercent: number | null;

  @ApiProperty({ type: 'integer', nullable: true })
  payableFen: number | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  dueAt: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  overdueAt: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  settledAt: string | null;

  @ApiProperty({ type: 'string', format: 'date-time' })
  createdAt: string;

  @ApiPropertyOptional({ type: 'integer' })
  outstandingFen?: number;

  @ApiPropertyOptional({ type: 'integer' })
  overdueBills?: number;

  @ApiPropertyOptional({ type: 'integer' })
  remaining?: number;
}

export class EntitlementUsePageTotals {
  @ApiProperty({ type: 'integer' })
  outstandingFen: number;

  @ApiProperty({ type: 'integer' })
  overdueFen: number;

  @ApiProperty({ type: 'integer' })
  count: number;

  @ApiProperty({ type: 'integer' })
  overdueCount: number;
}

export class EntitlementUsePage {
  @ApiProperty({ type: () => EntitlementUsePageTotals })
  totals: EntitlementUsePageTotals;

  @ApiProperty({ type: () => EntitlementUse, isArray: true })
  items: EntitlementUse[];

  @ApiProperty({ type: 'string', nullable: true })
  nextCursor: string | null;
}

export class EntitlementPolicies {
  @ApiProperty({ type: 'string', format: 'uuid' })
  regionId: string;

  @ApiProperty({ type: () => EffectivePolicy, isArray: true })
  policies: EffectivePolicy[];
}

export class EntitlementStatus {
  @ApiProperty({ type: 'string' })
  kind: string;

  @ApiProperty({ type: 'boolean' })
  eligible: boolean;

  @ApiProperty({ type: 'string' })
  creditLevel: string;

  @ApiProperty({ type: 'string' })
  minCreditLevel: string;

  @ApiPropertyOptional({ type: 'integer' })
  outstandingFen?: number;

  @ApiPropertyOptional({ type: 'integer', nullable: true })
  maxOutstandingFen?: number | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true })
  availableFen?: number | null;

  @ApiPropertyOptional({ type: 'integer' })
  overdueBills?: number;

  @ApiProperty({ type: 'string', format: 'uuid', nullable: true })
  policyRegionId: string | null;

  @ApiPropertyOptional({ type: 'integer' })
  discountPercent?: number;

  @ApiPropertyOptional({ type: 'string' })
  reason?: string;

  @ApiPropertyOptional({ type: 'string' })
  message?: string;
}

export class EffectivePolicy {
  @ApiProperty({ type: 'string' })
  kind: string;

  @ApiProperty({ type: 'string' })
  minCreditLevel: string;

  @ApiProperty({ type: 'integer', nullable: true })
  yearlyQuota: number | null;

  @ApiProperty({ type: 'integer', nullable: true })
  maxOutstandingFen: number | null;

  @ApiProperty({ type: 'integer', nullable: true })
  discountPercent: number | null;

  @ApiProperty({ type: 'integer', nullable: true })
  overdueAfterDays: number | null;

  @ApiProperty({ type: 'string', format: 'uuid', nullable: true })
  sourceRegionId: string | null;

  @ApiProperty({ type: 'string', nullable: true })
  sourceRegionName: string | null;

  @ApiProperty({ type: 'boolean' })
  inherited: boolean;
}
