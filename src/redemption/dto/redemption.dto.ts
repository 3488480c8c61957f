import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { PageQuery } from '../../common/pagination';
import type { OrderView } from '../../orders/dto/orders.dto';
import {
  DISPUTE_RESOLUTIONS,
  DISPUTE_STATUSES,
  type DisputeKind,
  type DisputeResolution,
  type DisputeStatus,
} from '../entities/redemption-dispute.entity';
import type { RedemptionChannel } from '../entities/redemption.entity';
import { DEVICE_ID_RE, MAX_BATCH_SCANS } from '../redemption-rules';
import { IsOptional, Nested } from '../../common/validation';

const DEVICE_MSG = 'must be 1-100 characters of A-Z a-z 0-9 . _ : -';

export class RedeemDto {
  @ApiProperty({ description: 'the voucher code as read from the QR image (`JF...`)' })
  @IsString()
  code: string;

  @ApiPropertyOptional({ description: 'the scanner or till that read the code', maxLength: 100 })
  @IsOptional()
  @Matches(DEVICE_ID_RE, { message: `deviceId ${DEVICE_MSG}` })
  deviceId?: string;
}

export class VerifyQuery {
  @ApiProperty({ description: 'the voucher code as read from the QR image' })
  @IsString()
  code: string;
}

export class OrganizationQuery {
  @ApiPropertyOptional({ description: 'the organisation, when the caller works for several' })
  @IsOptional()
  @IsUUID()
  organizationId?: string;
}

export class BundleQuery extends OrganizationQuery {
  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @Matches(DEVICE_ID_RE, { message: `deviceId ${DEVICE_MSG}` })
  deviceId?: string;
}

export class OfflineScanDto {
  @ApiProperty({ description: 'the voucher code as read offline' })
  @IsString()
  code: string;

  @ApiProperty({ description: 'when the device scanned it (ISO-8601, the device clock)' })
  @IsISO8601({ strict: true })
  scannedAt: string;

  @ApiProperty({ description: 'the device’s own id for this scan; the same id again is a duplicate' })
  @Matches(DEVICE_ID_RE, { message: `scanId ${DEVICE_MSG}` })
  scanId: string;
}

export class OfflineBatchDto {
  @ApiProperty({ maxLength: 100 })
  @Matches(DEVICE_ID_RE, { message: `deviceId ${DEVICE_MSG}` })
  deviceId: string;

  @ApiPropertyOptional({ description: 'the organisation, when the caller works for several' })
  @IsOptional()
  @IsUUID()
  organizationId?: string;

  @ApiProperty({ type: [OfflineScanDto], maxItems: MAX_BATCH_SCANS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BATCH_SCANS)
  @Nested(() => OfflineScanDto, { each: true })
  scans: OfflineScanDto[];
}

export class AllowanceDto {
  @ApiPropertyOptional({ description: 'required for a city administrator; staff default to their own' })
  @IsOptional()
  @IsUUID()
  organizationId?: string;

  @ApiProperty({ minimum: 0, maximum: 100_000 })
  @IsInt()
  @Min(0)
  @Max(100_000)
  maxScans: number;

  @ApiProperty({ minimum: 0, maximum: 100_000_000 })
  @IsInt()
  @Min(0)
  @Max(100_000_000)
  maxPoints: number;

  @ApiPropertyOptional({ minimum: 60, maximum: 604_800, default: 86_400 })
  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(604_800)
  bundleTtlSeconds?: number;
}

export class DisputesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: DISPUTE_STATUSES })
  @IsOptional()
  @IsIn(DISPUTE_STATUSES)
  status?: DisputeStatus;
}

export class ResolveDisputeDto {
  @ApiProperty({ enum: DISPUTE_RESOLUTIONS })
  @IsIn(DISPUTE_RESOLUTIONS)
  resolution: DisputeResolution;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  note?: string;
}

export class RedemptionsQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'ISO date (a local day, UTC+8) or time; inclusive' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'ISO date (a local day, included) or time (excluded)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  listingId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(DEVICE_ID_RE, { message: `deviceId ${DEVICE_MSG}` })
  deviceId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  organizationId?: string;
}

export class SettlementQuery extends OrganizationQuery {
  @ApiPropertyOptional({ description: 'ISO date (a local day, UTC+8) or time; default 30 days before `to`' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'ISO date (a local day, included) or time (excluded); default now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

// ---- Responses ------------------------------------------------------------------------------------

export interface VoucherFacts {
  /** The order, without the resident's id. */
  order: Omit<OrderView, 'residentId'>;
  listing: { id: string; title: string | null };
  /** The organisation whose counter redeems the voucher. */
  organization: { id: string; name: string | null };
  /** Masked (张*兰). */
  resident: { displayName: string };
}

export interface VerifyView extends VoucherFacts {
  wouldRedeem: boolean;
  reason?: string;
  expiresAt: Date;
}

export interface RedemptionResult extends VoucherFacts {
  redemptionId: string;
  redeemedAt: Date | null;
  redeemedBy: string;
  /** The staff member who redeemed it. */
  redeemedByName: string;
  deviceId: string | null;
  captureTransferId: string;
}

export interface OfflineBundle {
  organizationId: string;
  deviceId: string | null;
  keys: Array<{ kid: string; publicKey: string; algorithm: 'Ed25519' }>;
  revoked: string[];
  validUntil: Date;
  allowance: { maxScans: number; maxPoints: number };
  generatedAt: Date;
}

export type ScanStatus = 'accepted' | 'duplicate' | 'conflict' | 'invalid';

export interface ScanResult {
  scanId: string;
  status: ScanStatus;
  orderId?: string;
  reason?: string;
  overAllowance?: boolean;
  /** For a duplicate: what the first upload of this scan answered. */
  firstStatus?: Exclude<ScanStatus, 'duplicate'>;
}

export interface AllowanceView {
  organizationId: string;
  maxScans: number;
  maxPoints: number;
  bundleTtlSeconds: number;
}

export interface DisputeView {
  id: string;
  organizationId: string;
  orderId: string;
  communityId: string;
  deviceId: string;
  scanId: string | null;
  scannedAt: Date | null;
  kind: DisputeKind;
  status: DisputeStatus;
  resolution: DisputeResolution | null;
  note: string | null;
  resolvedBy: string | null;
  resolvedAt: Date | null;
  createdAt: Date;
  listingId: string | null;
  listingTitle: string | null;
  points: number | null;
  resident: { displayName: string };
}

export interface RedemptionView {
  id: string;
  orderId: string;
  organizationId: string;
  listingId: string;
  listingTitle: string | null;
  resident: { displayName: string };
  points: number;
  redeemedBy: string;
  deviceId: string | null;
  channel: RedemptionChannel;
  scanId: string | null;
  scannedAt: Date;
  createdAt: Date;
}

export interface SettlementLine {
  day: string;
  listingId: string;
  listingTitle: string | null;
  points: number;
  redemptions: number;
}

export interface SettlementView {
  organizationId: string;
  from: Date;
  to: Date;
  timezone: '+08:00';
  totalPoints: number;
  totalRedemptions: number;
  days: SettlementLine[];
  listings: Array<Omit<SettlementLine, 'day'>>;
}

/** `POST /redemptions/keys/rotate`: which city's key chain (city administrators: their own). */
export class RotateKeyDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'the city whose key rotates: a city administrator may leave it out (their city) or name their own; the platform administrator names any city, or none for the platform chain',
  })
  @IsOptional()
  @IsUUID()
  cityId?: string | null;
}
