import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber, UpdatedAt } from '../../database/columns';

/**
 * A resident's unpaid deferred bills (treat first, pay later): the amount (overdue bills included)
 * and how many are overdue. Both change only by conditional UPDATEs, in the transaction that records,
 * settles or marks a bill overdue; a new bill needs `overdue_count = 0` and room under the cap.
 */
@Entity('entitlement_balances')
export class EntitlementBalanceEntity {
  @PrimaryColumn({ name: 'resident_id', type: 'char', length: 36 })
  residentId: string;

  @Column({ name: 'outstanding_fen', type: 'bigint', default: 0, transformer: bigintNumber })
  outstandingFen: number;

  @Column({ name: 'overdue_count', type: 'int', default: 0 })
  overdueCount: number;

  @UpdatedAt()
  updatedAt: Date;
}
