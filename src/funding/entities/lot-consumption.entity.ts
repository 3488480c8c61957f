import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintNumber, CreatedAt, IdColumn } from '../../database/columns';

/** Which lot served which redeemed order, and at what value (the cost of redemptions). */
@Entity('lot_consumptions')
@Index('uq_lot_consumptions_order_lot', ['orderId', 'lotId'], { unique: true })
@Index('idx_lot_consumptions_lot', ['lotId'])
export class LotConsumptionEntity {
  @PrimaryColumn({ type: 'char', length: 36 })
  id: string;

  @IdColumn('lot_id')
  lotId: string;

  @IdColumn('order_id')
  orderId: string;

  @IdColumn('listing_id')
  listingId: string;

  /** The lot's community (whose inventory was debited). */
  @IdColumn('community_id')
  communityId: string;

  /** The redeeming resident's community, as the caller gave it. */
  @IdColumn('order_community_id', { nullable: true })
  orderCommunityId: string | null;

  @Column({ type: 'int' })
  quantity: number;

  @Column({ name: 'unit_value_fen', type: 'bigint', transformer: bigintNumber })
  unitValueFen: number;

  @Column({ name: 'amount_fen', type: 'bigint', transformer: bigintNumber })
  amountFen: number;

  @IdColumn('transfer_id', { nullable: true })
  transferId: string | null;

  @CreatedAt()
  createdAt: Date;
}
