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

/** A counter's key as one string: `resident/listing/period`. */
export const counterOf = (k: LimitKey): string => `${k.residentId}/${k.listingId}/${k.periodKey}`;

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

  /**
   * Group commit: locks the counters that exist (sorted by key, the lock order of a batch); what
   * each counted so far, by `resident/listing/period` (a missing one has counted nothing). Missing
   * rows are created only by {@link takeMany}, for orders that are placed, whose conditional update
   * catches a counter another batch created meanwhile.
   */
  async lockMany(tx: EntityManager, keys: LimitKey[]): Promise<Map<string, number>> {
    const sorted = [...new Map(keys.map((k) => [counterOf(k), k])).entries()].sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    const rows: Array<{ resident_id: string; listing_id: string; period_key: string; used: number }> =
      await tx.query(
        `SELECT resident_id, listing_id, period_key, used FROM order_limit_counters
          WHERE (resident_id, listing_id, period_key) IN (${sorted.map(() => '(?, ?, ?)').join(', ')}) FOR UPDATE`,
        sorted.flatMap(([, k]) => [k.residentId, k.listingId, k.periodKey]),
      );
    return new Map(
      rows.map((r) => [
        counterOf({ residentId: r.resident_id, listingId: r.listing_id, periodKey: r.period_key }),
        Number(r.used),
      ]),
    );
  }

  /** Group commit: adds each counter's sum under its limit; false unless every one passed. */
  async takeMany(
    tx: EntityManager,
    takes: Array<{ key: LimitKey; quantity: number; limit: number }>,
  ): Promise<boolean> {
    for (const t of takes) if (!(await this.take(tx, t.key, t.quantity, t.limit))) return false;
    return true;
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
