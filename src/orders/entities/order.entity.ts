import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CreatedAt, DateTime3, IdColumn, UpdatedAt } from '../../database/columns';
import type { OrderStatus } from '../order-state-machine';

@Entity('orders')
@Index('idx_orders_resident', ['residentId', 'createdAt'])
@Index('idx_orders_listing', ['listingId', 'status'])
@Index('idx_orders_provider', ['providerOrganizationId', 'createdAt'])
@Index('idx_orders_due', ['status', 'expiresAt'])
export class OrderEntity {
  @PrimaryColumn({ type: 'char', length: 36 })
  id: string;

  @IdColumn('resident_id')
  residentId: string;

  /** The resident's community when they ordered (reports group by it). */
  @IdColumn('community_id')
  communityId: string;

  @IdColumn('listing_id')
  listingId: string;

  @IdColumn('provider_organization_id')
  providerOrganizationId: string;

  @Column({ type: 'int' })
  quantity: number;

  @Column({ name: 'unit_points', type: 'int' })
  unitPoints: number;

  @Column({ name: 'total_points', type: 'int' })
  totalPoints: number;

  @Column({ type: 'varchar', length: 12 })
  status: OrderStatus;

  /** The pending ledger transfer that holds the points. */
  @IdColumn('hold_transfer_id')
  holdTransferId: string;

  @Column({ name: 'limit_period_key', type: 'varchar', length: 16, nullable: true })
  limitPeriodKey: string | null;

  /** The redemption deadline: unredeemed by then, the order expires. */
  @DateTime3('expires_at')
  expiresAt: Date;

  @DateTime3('ready_at', { nullable: true })
  readyAt: Date | null;

  @DateTime3('redeemed_at', { nullable: true })
  redeemedAt: Date | null;

  @IdColumn('redeemed_by', { nullable: true })
  redeemedBy: string | null;

  @Column({ name: 'redeemed_device', type: 'varchar', length: 100, nullable: true })
  redeemedDevice: string | null;

  @DateTime3('cancelled_at', { nullable: true })
  cancelledAt: Date | null;

  @IdColumn('cancelled_by', { nullable: true })
  cancelledBy: string | null;

  @Column({ name: 'cancel_reason', type: 'varchar', length: 300, nullable: true })
  cancelReason: string | null;

  @DateTime3('expired_at', { nullable: true })
  expiredAt: Date | null;

  @Column({ name: 'failed_reason', type: 'varchar', length: 300, nullable: true })
  failedReason: string | null;

  @DateTime3('expiry_notified_at', { nullable: true })
  expiryNotifiedAt: Date | null;

  @CreatedAt()
  createdAt: Date;

  @UpdatedAt()
  updatedAt: Date;
}
