import { DomainError } from '../common/domain-error';
import { refuse } from '../common/errors';

/**
 * The planning step of group commit (orders placed together, in one transaction): from the rows
 * the batch locked (wallets, stock, limit counters) and the keys already stored, each order's
 * outcome, exactly as if the orders had been placed one at a time in the batch's order. Pure: the
 * service reads and locks, this decides, the service writes the sums with conditional updates.
 */

/** One order of a batch, as the planner sees it. */
export interface BatchOrder {
  /** `scope \u001f key` of its Idempotency-Key, or null without one. */
  idemKey: string | null;
  requestHash: string;
  walletId: string | null;
  listingId: string;
  quantity: number;
  total: number;
  /** The limit counter it counts against (`resident/listing/period`) and the limit; null: none. */
  limit: { counter: string; max: number; period: string } | null;
  /** A refusal decided before the batch (listing not found or not available, not eligible). */
  refused: DomainError | null;
}

/** What the batch's locked rows hold when it starts. */
export interface BatchState {
  /** Committed keys: their request hash and stored answer. */
  stored: Map<string, { requestHash: string; responseBody: string | null }>;
  /** Points a wallet may still spend (Infinity when unlimited). */
  available: Map<string, number>;
  /** Units left (null: unlimited); a listing missing here does not exist. */
  stock: Map<string, number | null>;
  /** What each counter of the batch counted so far (0 when it has no row yet). */
  used: Map<string, number>;
}

export type Planned =
  | { kind: 'place' }
  | { kind: 'refuse'; error: DomainError }
  /** The same key as an earlier order of the batch that is placed: that order's answer. */
  | { kind: 'same'; as: number }
  /** The key's answer stored by an earlier batch. */
  | { kind: 'stored'; responseBody: string | null };

export const keyReused = (idemKey: string): DomainError =>
  refuse(
    'IDEMPOTENCY_KEY_REUSED',
    { idempotencyKey: idemKey.slice(idemKey.indexOf('\u001f') + 1) },
    'this Idempotency-Key was used with another request body',
  );

/**
 * Each order's outcome, in the order of the checks of one-at-a-time placement: the key (a replay,
 * or 422 IDEMPOTENCY_KEY_REUSED), the refusals known before, the limit (LIMIT_REACHED), the points
 * (INSUFFICIENT_POINTS), the stock (OUT_OF_STOCK). An order placed takes from the running balances
 * what the next orders see; a refused one takes nothing and leaves its key free.
 */
export function planBatch(orders: BatchOrder[], state: BatchState): Planned[] {
  const available = new Map(state.available);
  const stock = new Map(state.stock);
  const used = new Map(state.used);
  const claimed = new Map<string, number>();
  return orders.map((o, i): Planned => {
    if (o.idemKey !== null) {
      const stored = state.stored.get(o.idemKey);
      if (stored)
        return stored.requestHash === o.requestHash
          ? { kind: 'stored', responseBody: stored.responseBody }
          : { kind: 'refuse', error: keyReused(o.idemKey) };
      const first = claimed.get(o.idemKey);
      if (first !== undefined)
        return orders[first].requestHash === o.requestHash
          ? { kind: 'same', as: first }
          : { kind: 'refuse', error: keyReused(o.idemKey) };
    }
    const error = o.refused ?? refusal(o, { available, stock, used });
    if (error) return { kind: 'refuse', error };
    if (o.limit) used.set(o.limit.counter, (used.get(o.limit.counter) ?? 0) + o.quantity);
    available.set(o.walletId!, available.get(o.walletId!)! - o.total);
    const left = stock.get(o.listingId);
    if (left !== null && left !== undefined) stock.set(o.listingId, left - o.quantity);
    if (o.idemKey !== null) claimed.set(o.idemKey, i);
    return { kind: 'place' };
  });
}

function refusal(o: BatchOrder, s: Pick<BatchState, 'available' | 'stock' | 'used'>): DomainError | null {
  if (!s.stock.has(o.listingId))
    return refuse('LISTING_NOT_FOUND', { listingId: o.listingId }, 'listing not found');
  if (o.limit && (s.used.get(o.limit.counter) ?? 0) + o.quantity > o.limit.max)
    return refuse(
      'LIMIT_REACHED',
      { listingId: o.listingId, limit: o.limit.max, period: o.limit.period },
      `at most ${o.limit.max} per period for this listing`,
    );
  const points = o.walletId === null ? 0 : (s.available.get(o.walletId) ?? 0);
  if (points < o.total)
    return refuse('INSUFFICIENT_POINTS', { accountId: o.walletId, requested: o.total }, 'not enough points');
  const left = s.stock.get(o.listingId);
  if (left !== null && left !== undefined && left < o.quantity)
    return refuse('OUT_OF_STOCK', { listingId: o.listingId, requested: o.quantity }, 'out of stock');
  return null;
}

/** Per key, the sum of `amount` over the items (sorted by key: the lock order of a batch's rows). */
export function sumsBy<T>(
  items: T[],
  key: (t: T) => string,
  amount: (t: T) => number,
): Array<[string, number]> {
  const m = new Map<string, number>();
  for (const t of items) m.set(key(t), (m.get(key(t)) ?? 0) + amount(t));
  return [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
