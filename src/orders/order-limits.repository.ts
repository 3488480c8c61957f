import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { affectedRows } from '../database/transaction.service';
import { OrderLimitCounterEntity } from './entities/order-limit-counter.entity';

/** One counter: what a resident's orders of a listing counted in one period. */
export interface LimitKey {
  residentId: string;
  listingId: string;
  periodKey: string;
}

/**
 * The statements on `order_limit_counters`. Taking is a conditional update on the counter row, so
 * concurrent orders can never pass the limit together.
 */
@Injectable()
export class OrderLimitsRepository {
  /** Adds `quantity` unless the counter would pass `limit`; false when it would. */
  async take(tx: EntityManager, k: LimitKey, quantity: number, limit: number): Promise<boolean> {
    await tx.query(
      'INSERT INTO order_limit_counters (resident_id, listing_id, period_key, used) VALUES (?, ?, ?, 0) ON DUPLICATE KEY UPDATE used = used',
      [k.residentId, k.listingId, k.periodKey],
    );
    const res = await tx.query(
      'UPDATE order_limit_counters SET used = used + ? WHERE resident_id = ? AND listing_id = ? AND period_key = ? AND used + ? <= ?',
      [quantity, k.residentId, k.listingId, k.periodKey, quantity, limit],
    );
    return affectedRows(res) === 1;
  }

  /** Gives back what a cancelled or expired order counted. */
  async giveBack(tx: EntityManager, k: LimitKey, quantity: number): Promise<void> {
    await tx.query(
      'UPDATE order_limit_counters SET used = GREATEST(used - ?, 0) WHERE resident_id = ? AND listing_id = ? AND period_key = ?',
      [quantity, k.residentId, k.listingId, k.periodKey],
    );
  }

  /** The resident's counters of these listings, every period. */
  ofResident(
    tx: EntityManager,
    residentId: string,
    listingIds: string[],
  ): Promise<OrderLimitCounterEntity[]> {
    return tx.getRepository(OrderLimitCounterEntity).findBy({ residentId, listingId: In(listingIds) });
  }
}
