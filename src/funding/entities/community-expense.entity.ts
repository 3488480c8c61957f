import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintNumber, CreatedAt, IdColumn } from '../../database/columns';

/** Spending from a community's fund; with a listing and quantity it stocked the supermarket (a lot). */
@Entity('community_expenses')
@Index('idx_community_expenses_community', ['communityId', 'createdAt'])
export class CommunityExpenseEntity {
  @PrimaryColumn({ type: 'char', length: 36 })
  id: string;

  @IdColumn('community_id')
  communityId: string;

  @Column({ name: 'amount_fen', type: 'bigint', transformer: bigintNumber })
  amountFen: number;

  @Column({ type: 'varchar', length: 300 })
  purpose: string;

  @IdColumn('listing_id', { nullable: true })
  listingId: string | null;

  @Column({ type: 'int', nullable: true })
  quantity: number | null;

  @IdColumn('recorded_by')
  recordedBy: string;

  @CreatedAt()
  createdAt: Date;
}
