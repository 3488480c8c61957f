import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Order } from '../../orders/dto/orders.views';
import { DISPUTE_KINDS, DISPUTE_RESOLUTIONS, DISPUTE_STATUSES } from '../entities/redemption-dispute.entity';

/** What the redemption routes answer, as the OpenAPI document describes it. */

export class VoucherCheckListing {
  @ApiProperty({ type: 'string', format: 'uuid' })
  id: string;

  @ApiProperty({ type: 'string' })
  title: string;
}

export class VoucherCheckResident {
  @ApiProperty({ type: 'string' })
  displayName: string;
}

export class VoucherCheck {
  @ApiProperty({ type: 'boolean' })
  wouldRedeem: boolean;

  @ApiProperty({ type: 'string' })
  reason: string;

  @ApiProperty({ type: () => Order })
  order: Order;

  @ApiProperty({ type: () => VoucherCheckListing })
  listing: VoucherCheckListing;

  @ApiProperty({ type: () => VoucherCheckResident })
  resident: VoucherCheckResident;

  @ApiProperty({ type: 'string', format: 'date-time' })
  expiresAt: string;
}

export class RedemptionPage {
  @ApiProperty({ type: () => RedemptionLine, isArray: true })
  items: RedemptionLine[];

  @ApiProperty({ type: 'string', nullable: true })
  nextCursor: string | null;
}

export class SigningKey {
  @ApiProperty({ type: 'string' })
  kid: string;

  @ApiProperty({ type: 'string' })
  publicKey: string;

  @ApiProperty({ type: 'string' })
  algorithm: string;

  @ApiProperty({ type: 'string' })
  status: string;

  @ApiProperty({ type: 'string', format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  retiredAt: string | null;
}

export class OfflineBundleAllowance {
  @ApiProperty({ type: 'integer' })
  maxScans: number;

  @ApiProperty({ type: 'integer' })
  maxPoints: number;
}

export class OfflineBundle {
  @ApiProperty({ type: 'string', format: 'uuid' })
  organizationId: string;

  @ApiProperty({ type: 'string', nullable: true })
  deviceId: string | null;

  @ApiProperty({ type: () => OfflineBundleKey, isArray: true })
  keys: OfflineBundleKey[];

  @ApiProperty({ type: 'string', format: 'uuid', isArray: true })
  revoked: string[];

  @ApiProperty({ type: 'string', format: 'date-time' })
  validUntil: string;

  @ApiProperty({ type: () => OfflineBundleAllowance })
  allowance: OfflineBundleAllowance;

  @ApiProperty({ type: 'string', format: 'date-time' })
  generatedAt: string;
}

export class OfflineBundleKey {
  @ApiProperty({ type: 'string' })
  kid: string;

  @ApiProperty({ type: 'string' })
  publicKey: string;

  @ApiProperty({ type: 'string' })
  algorithm: string;
}

export class OfflineBatchResult {
  @ApiProperty({ type: () => ScanResult, isArray: true })
  results: ScanResult[];
}

export class OfflineAllowance {
  @ApiProperty({ type: 'string', format: 'uuid' })
  organizationId: string;

  @ApiProperty({ type: 'integer' })
  maxScans: number;

  @ApiProperty({ type: 'integer' })
  maxPoints: number;

  @ApiProperty({ type: 'integer' })
  bundleTtlSeconds: number;
}

export class Dispute {
  @ApiProperty({ type: 'string', format: 'uuid' })
  id: string;

  @ApiProperty({ type: 'string', format: 'uuid' })
  organizationId: string;

  @ApiProperty({ type: 'string', format: 'uuid' })
  orderId: string;

  @ApiProperty({ type: 'string', format: 'uuid' })
  communityId: string;

  @ApiProperty({ type: 'string' })
  deviceId: string;

  @ApiProperty({ type: 'string', nullable: true })
  scanId: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  scannedAt: string | null;

  @ApiProperty({ type: 'string', enum: DISPUTE_KINDS })
  kind: string;

  @ApiProperty({ type: 'string', enum: DISPUTE_STATUSES })
  status: string;

  @ApiProperty({ type: 'string', enum: DISPUTE_RESOLUTIONS, nullable: true })
  resolution: string | null;

  @ApiProperty({ type: 'string', nullable: true })
  note: string | null;

  @ApiProperty({ type: 'string', format: 'uuid', nullable: true })
  resolvedBy: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  resolvedAt: string | null;

  @ApiProperty({ type: 'string', format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: 'string', format: 'uuid', nullable: true })
  listingId: string | null;

  @ApiProperty({ type: 'string', nullable: true })
  listingTitle: string | null;

  @ApiProperty({ type: 'integer', nullable: true })
  points: number | null;

  @ApiProperty({ type: () => VoucherCheckResident })
  resident: VoucherCheckResident;
}

export class ScanResult {
  @ApiProperty({ type: 'string' })
  scanId: string;

  @ApiProperty({ type: 'string' })
  status: string;

  @ApiPropertyOptional({ type: 'string' })
  reason?: string;

  @ApiPropertyOptional({ type: 'string' })
  firstStatus?: string;

  @ApiPropertyOptional({ type: 'string', format: 'uuid' })
  orderId?: string;

  @ApiPropertyOptional({ type: 'boolean' })
  overAllowance?: boolean;
}
export class RedemptionResult {
  @ApiProperty({ type: () => Order })
  order: Order;

  @ApiProperty({ type: () => VoucherCheckListing })
  listing: VoucherCheckListing;

  @ApiProperty({ type: () => VoucherCheckResident })
  resident: VoucherCheckResident;

  @ApiProperty({ type: 'string', format: 'uuid' })
  redemptionId: string;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  redeemedAt: string | null;

  @ApiProperty({ type: 'string', format: 'uuid', description: 'the staff member who scanned' })
  redeemedBy: string;

  @ApiProperty({ type: 'string', nullable: true })
  deviceId: string | null;

  @ApiProperty({
    type: 'string',
    format: 'uuid',
    description: 'the ledger transfer that captured the points',
  })
  captureTransferId: string;
}

export class RedemptionLine {
  @ApiProperty({ type: 'string', format: 'uuid' })
  id: string;

  @ApiProperty({ type: 'string', format: 'uuid' })
  orderId: string;

  @ApiProperty({ type: 'string', format: 'uuid' })
  organizationId: string;

  @ApiProperty({ type: 'string', format: 'uuid' })
  listingId: string;

  @ApiProperty({ type: 'string', nullable: true })
  listingTitle: string | null;

  @ApiProperty({ type: () => VoucherCheckResident })
  resident: VoucherCheckResident;

  @ApiProperty({ type: 'integer' })
  points: number;

  @ApiProperty({ type: 'string', format: 'uuid' })
  redeemedBy: string;

  @ApiProperty({ type: 'string', nullable: true })
  deviceId: string | null;

  @ApiProperty({ type: 'string', enum: ['online', 'offline'] })
  channel: string;

  @ApiProperty({ type: 'string', nullable: true })
  scanId: string | null;

  @ApiProperty({ type: 'string', format: 'date-time' })
  scannedAt: string;

  @ApiProperty({ type: 'string', format: 'date-time' })
  createdAt: string;
}

export class SettlementListing {
  @ApiProperty({ type: 'string', format: 'uuid' })
  listingId: string;

  @ApiProperty({ type: 'string', nullable: true })
  listingTitle: string | null;

  @ApiProperty({ type: 'integer' })
  points: number;

  @ApiProperty({ type: 'integer' })
  redemptions: number;
}

export class SettlementDay extends SettlementListing {
  @ApiProperty({ type: 'string', format: 'date', description: 'a local day (UTC+8)' })
  day: string;
}

export class Settlement {
  @ApiProperty({ type: 'string', format: 'uuid' })
  organizationId: string;

  @ApiProperty({ type: 'string', format: 'date-time' })
  from: string;

  @ApiProperty({ type: 'string', format: 'date-time' })
  to: string;

  @ApiProperty({ type: 'string', enum: ['+08:00'] })
  timezone: string;

  @ApiProperty({ type: 'integer' })
  totalPoints: number;

  @ApiProperty({ type: 'integer' })
  totalRedemptions: number;

  @ApiProperty({ type: () => SettlementDay, isArray: true })
  days: SettlementDay[];

  @ApiProperty({ type: () => SettlementListing, isArray: true })
  listings: SettlementListing[];
}
