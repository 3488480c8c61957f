import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CreatedAt, DateTime3, IdColumn } from '../../database/columns';

export type RedemptionChannel = 'online' | 'offline';

/** One capture per order (UNIQUE order_id): who redeemed it, where, and the ledger post that captured it. */
@Entity('redemptions')
@Index('idx_redemptions_org', ['organizationId', 'createdAt'])
@Index('idx_redemptions_listing', ['organizationId', 'listingId', 'createdAt'])
@Index('idx_redemptions_device', ['organizationId', 'deviceId', 'createdAt'])
export class RedemptionEntity {
  @PrimaryColumn({ type: 'char', length: 36 })
  id: string;

  @Index('uq_redemptions_order', { unique: true })
  @IdColumn('order_id')
  orderId: string;

  @IdColumn('organization_id')
  organizationId: string;

  @IdColumn('listing_id')
  listingId: string;

  @IdColumn('resident_id')
  residentId: string;

  @IdColumn('community_id')
  communityId: string;

  @Column({ type: 'int' })
  points: number;

  @IdColumn('redeemed_by')
  redeemedBy: string;

  @Column({ name: 'device_id', type: 'varchar', length: 100, nullable: true })
  deviceId: string | null;

  @Column({ type: 'varchar', length: 8 })
  channel: RedemptionChannel;

  @Column({ name: 'scan_id', type: 'varchar', length: 100, nullable: true })
  scanId: string | null;

  /** When the code was scanned at the counter (for an offline scan, the device's time). */
  @DateTime3('scanned_at')
  scannedAt: Date;

  @IdColumn('capture_transfer_id')
  captureTransferId: string;

  @CreatedAt()
  createdAt: Date;
}
