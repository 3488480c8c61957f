import { idempotencyKeyOf } from '../common/idempotency.service';
import type { OrderStatus } from '../orders/order-state-machine';
import { judgeVoucher, type Verdict } from './redemption-rules';

/** What the plan needs of a scan in a batch. */
export interface PlannedScan {
  /** Who scans (a staff member never redeems their own voucher). */
  actorId: string;
  /** The order the code names, and the organisation it was signed for. */
  orderId: string;
  organizationId: string;
  /** The scan's idempotency scope and key, when it has one. */
  idempotency?: { scope: string; key: string };
  /** When the scan was made (its expiry is judged at this moment). */
  at: Date;
  /** Answered one at a time after the batch whatever it is (its idempotency key is taken already). */
  alone?: boolean;
}

/** What the plan needs of an order, locked, as it was before the batch. */
export interface PlannedOrder {
  id: string;
  providerOrganizationId: string;
  residentId: string;
  status: OrderStatus;
  expiresAt: Date;
}

/**
 * A scan's fate in its batch:
 * - `capture`: this scan redeems the order;
 * - `unknown`: no such order, or one of another organisation than the code says (INVALID_CODE);
 * - `self`: the scanner's own voucher (SELF_SERVICE_FORBIDDEN);
 * - `refused`: the order as it was before the batch does not redeem (today's verdict);
 * - `repeat`: an earlier scan of this batch captures the order (ALREADY_REDEEMED, with that capture);
 * - `alone`: answered after the batch, one at a time (a second scan with the same idempotency key:
 *   it replays the first one's answer, or runs anew if that one failed, exactly as today).
 */
export type ScanPlan =
  | { kind: 'capture' }
  | { kind: 'unknown' }
  | { kind: 'self' }
  | { kind: 'refused'; verdict: Extract<Verdict, { ok: false }> }
  | { kind: 'repeat'; of: number }
  | { kind: 'alone' };

/**
 * The outcome of every scan of a batch, in the order they arrived, as if they had been applied one
 * at a time in that order: the first scan of a ready order captures it, the later ones of the same
 * order in the batch are repeats of that capture. `orders` are the locked rows (missing: unknown).
 */
export function planCaptures(
  scans: readonly PlannedScan[],
  orders: ReadonlyMap<string, PlannedOrder>,
): ScanPlan[] {
  const capturedBy = new Map<string, number>();
  const keys = new Set<string>();
  return scans.map((s, i): ScanPlan => {
    if (s.alone) return { kind: 'alone' };
    if (s.idempotency) {
      const k = idempotencyKeyOf(s.idempotency);
      if (keys.has(k)) return { kind: 'alone' };
      keys.add(k);
    }
    const order = orders.get(s.orderId);
    if (!order || order.providerOrganizationId !== s.organizationId) return { kind: 'unknown' };
    if (order.residentId === s.actorId) return { kind: 'self' };
    const first = capturedBy.get(order.id);
    if (first !== undefined) return { kind: 'repeat', of: first };
    const verdict = judgeVoucher(order, s.at);
    if (!verdict.ok) return { kind: 'refused', verdict };
    capturedBy.set(order.id, i);
    return { kind: 'capture' };
  });
}
