import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CreatedAt, DateTime3, IdColumn } from '../../database/columns';

export const DISPUTE_KINDS = ['already_redeemed', 'cancelled', 'expired'] as const;
export type DisputeKind = (typeof DISPUTE_KINDS)[number];
export const DISPUTE_STATUSES = ['open', 'resolved'] as const;
export type DisputeStatus = (typeof DISPUTE_STATUSES)[number];
export const DISPUTE_RESOLUTIONS = ['merchant_absorbs', 'resident_contacted', 'reversed'] as const;
export type DisputeResolution = (typeof DISPUTE_RESOLUTIONS)[number];

/**
 * An offline scan that could not be captured because the voucher was redeemed elsewhere, cancelled
 * or expired meanwhile: the goods may have been handed over, so people decide (one per scan).
 */
@Entity('redemption_disputes')
@Index('idx_redemption_disputes_org', ['organizationId', 'status', 'createdAt'])
@Index('idx_redemption_disputes_community', ['communityId', 'status', 'createdAt'])
@Index('idx_redemption_disputes_order', ['orderId'])
export class RedemptionDisputeEntity {
  @PrimaryColumn({ type: 'char', length: 36 })
  id: string;

  @IdColumn('organization_id')
  organizationId: string;

  @IdColumn('order_id')
  orderId: string;

  /** The resident's community (its staff may see and resolve the dispute). */
  @IdColumn('community_id')
  communityId: string;

  @Index('uq_redemption_disputes_scan', { unique: true })
  @IdColumn('offline_scan_id')
  offlineScanId: string;

  @Column({ name: 'device_id', type: 'varchar', length: 100 })
  deviceId: string;

  @Column({ type: 'varchar', length: 20 })
  kind: DisputeKind;

  @Column({ type: 'varchar', length: 10, default: 'open' })
  status: DisputeStatus;

  @Column({ type: 'varchar', length: 24, nullable: true })
  resolution: DisputeResolution | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  note: string | null;

  @IdColumn('resolved_by', { nullable: true })
  resolvedBy: string | null;

  @DateTime3('resolved_at', { nullable: true })
  resolvedAt: Date | null;

  @CreatedAt()
  createdAt: Date;
}
