import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CreatedAt, DateTime3, IdColumn, UpdatedAt } from '../../database/columns';
import type { MutualAidKind, MutualAidStatus } from '../mutual-aid-rules';

/**
 * A request for help (银龄互助): asked by a resident (or a grid worker for them), claimed by a
 * volunteer of the same community, completed with the minutes spent, confirmed by the person helped
 * (or a grid worker), or cancelled. The minutes live in the ledger (TIME_MINUTES).
 */
@Entity('mutual_aid_requests')
@Index('idx_mutual_aid_community', ['communityId', 'status', 'createdAt'])
@Index('idx_mutual_aid_resident', ['residentId', 'createdAt'])
@Index('idx_mutual_aid_volunteer', ['volunteerId', 'createdAt'])
export class MutualAidRequestEntity {
  @PrimaryColumn({ type: 'char', length: 36 })
  id: string;

  @IdColumn('community_id')
  communityId: string;

  /** The person helped. */
  @IdColumn('resident_id')
  residentId: string;

  /** The resident themself, or the grid worker who asked for them. */
  @IdColumn('requested_by')
  requestedBy: string;

  @Column({ type: 'varchar', length: 32 })
  kind: MutualAidKind;

  @Column({ type: 'varchar', length: 1000 })
  description: string;

  @DateTime3('wanted_at')
  wantedAt: Date;

  /** The minutes the asker expects the help to take (and holds, paying with stored time). */
  @Column({ type: 'int' })
  minutes: number;

  @Column({ name: 'pay_with_stored_time', type: 'boolean', default: false })
  payWithStoredTime: boolean;

  @Column({ type: 'varchar', length: 16 })
  status: MutualAidStatus;

  @IdColumn('volunteer_id', { nullable: true })
  volunteerId: string | null;

  @DateTime3('claimed_at', { nullable: true })
  claimedAt: Date | null;

  /** The pending transfer holding the asker's minutes (paying with stored time). */
  @IdColumn('hold_transfer_id', { nullable: true })
  holdTransferId: string | null;

  @Column({ name: 'held_minutes', type: 'int', nullable: true })
  heldMinutes: number | null;

  @Column({ name: 'completed_minutes', type: 'int', nullable: true })
  completedMinutes: number | null;

  @DateTime3('completed_at', { nullable: true })
  completedAt: Date | null;

  @IdColumn('confirmed_by', { nullable: true })
  confirmedBy: string | null;

  @DateTime3('confirmed_at', { nullable: true })
  confirmedAt: Date | null;

  @Column({ name: 'credited_minutes', type: 'int', nullable: true })
  creditedMinutes: number | null;

  @IdColumn('cancelled_by', { nullable: true })
  cancelledBy: string | null;

  @DateTime3('cancelled_at', { nullable: true })
  cancelledAt: Date | null;

  @CreatedAt()
  createdAt: Date;

  @UpdatedAt()
  updatedAt: Date;
}
