import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintNumber, CreatedAt, DateTime3, IdColumn } from '../../database/columns';

/**
 * Units of a listing received at one value: in-kind goods of a donation, or goods bought with an
 * expense. `remaining` only falls, by a conditional update, when a voucher is redeemed (oldest first).
 */
@Entity('donation_lots')
@Index('idx_donation_lots_listing', ['listingId', 'receivedAt', 'id'])
@Index('idx_donation_lots_donation', ['donationId'])
@Index('idx_donation_lots_expense', ['expenseId'])
export class DonationLotEntity {
  @PrimaryColumn({ type: 'char', length: 36 })
  id: string;

  @IdColumn('donation_id', { nullable: true })
  donationId: string | null;

  @IdColumn('expense_id', { nullable: true })
  expenseId: string | null;

  /** The community whose inventory holds the lot's value. */
  @IdColumn('community_id')
  communityId: string;

  @IdColumn('listing_id')
  listingId: string;

  @Column({ type: 'int' })
  quantity: number;

  @Column({ type: 'int' })
  remaining: number;

  @Column({ name: 'unit_value_fen', type: 'bigint', transformer: bigintNumber })
  unitValueFen: number;

  @DateTime3('received_at')
  receivedAt: Date;

  @CreatedAt()
  createdAt: Date;
}
