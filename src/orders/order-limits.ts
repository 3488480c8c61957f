import { EntityManager } from 'typeorm';
import { DomainError } from '../common/domain-error';
import { affectedRows } from '../database/transaction.service';

export type LimitPeriod = 'day' | 'month' | 'year';

/** Limits count on the local (China Standard Time) calendar. */
const LOCAL_OFFSET_MS = 8 * 3600 * 1000;

/** The counter key of the period containing `at`: `2026-11-29`, `2026-11` or `2026`. */
export function periodKey(period: LimitPeriod, at: Date): string {
  const local = new Date(at.getTime() + LOCAL_OFFSET_MS).toISOString();
  return period === 'day' ? local.slice(0, 10) : period === 'month' ? local.slice(0, 7) : local.slice(0, 4);
}

/**
 * Counts `quantity` against a resident's limit for a listing in one period, by a conditional update
 * on a counter row: concurrent orders can never pass the limit together.
 */
export async function takeLimit(
  em: EntityManager,
  residentId: string,
  listingId: string,
  key: string,
  quantity: number,
  limit: number,
): Promise<void> {
  await em.query(
    'INSERT INTO order_limit_counters (resident_id, listing_id, period_key, used) VALUES (?, ?, ?, 0) ON DUPLICATE KEY UPDATE used = used',
    [residentId, listingId, key],
  );
  const res = await em.query(
    'UPDATE order_limit_counters SET used = used + ? WHERE resident_id = ? AND listing_id = ? AND period_key = ? AND used + ? <= ?',
    [quantity, residentId, listingId, key, quantity, limit],
  );
  if (affectedRows(res) !== 1) {
    throw new DomainError(
      'LIMIT_REACHED',
      { listingId, limit, period: key },
      `at most ${limit} per period for this listing`,
    );
  }
}

/** Gives back what a cancelled or expired order counted. */
export async function returnLimit(
  em: EntityManager,
  residentId: string,
  listingId: string,
  key: string,
  quantity: number,
): Promise<void> {
  await em.query(
    'UPDATE order_limit_counters SET used = GREATEST(used - ?, 0) WHERE resident_id = ? AND listing_id = ? AND period_key = ?',
    [quantity, residentId, listingId, key],
  );
}
