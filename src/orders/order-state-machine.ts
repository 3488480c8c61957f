import { EntityManager } from 'typeorm';
import { affectedRows } from '../database/transaction.service';

export const ORDER_STATUSES = ['pending', 'ready', 'redeemed', 'cancelled', 'expired', 'failed'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Every allowed change of an order's state, in one place. */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = Object.freeze({
  pending: ['ready', 'cancelled', 'expired', 'failed'],
  ready: ['redeemed', 'cancelled', 'expired'],
  redeemed: [],
  cancelled: [],
  expired: [],
  failed: [],
});

/** The states from which an order may move to `to`. */
export function sourcesOf(to: OrderStatus): OrderStatus[] {
  return ORDER_STATUSES.filter((s) => ORDER_TRANSITIONS[s].includes(to));
}

export const canTransition = (from: OrderStatus, to: OrderStatus): boolean =>
  ORDER_TRANSITIONS[from].includes(to);

/** Holds whose points are still held (the order may still be redeemed). */
export const OPEN_STATUSES: readonly OrderStatus[] = ['pending', 'ready'];

const TIMESTAMP_COLUMN: Partial<Record<OrderStatus, string>> = {
  ready: 'ready_at',
  redeemed: 'redeemed_at',
  cancelled: 'cancelled_at',
  expired: 'expired_at',
};

/**
 * Moves an order to `to` with a conditional update on its current state; true when this call made
 * the change. Concurrent transitions serialise on the row and exactly one of them wins.
 */
export async function transition(
  em: EntityManager,
  orderId: string,
  to: OrderStatus,
  set: Record<string, unknown> = {},
  from: readonly OrderStatus[] = sourcesOf(to),
): Promise<boolean> {
  const allowed = from.filter((f) => canTransition(f, to));
  if (!allowed.length) return false;
  const ts = TIMESTAMP_COLUMN[to];
  const extra = Object.keys(set);
  const res = await em.query(
    `UPDATE orders SET status = ?${ts ? `, ${ts} = CURRENT_TIMESTAMP(3)` : ''}${extra.map((c) => `, ${c} = ?`).join('')}
      WHERE id = ? AND status IN (?)`,
    [to, ...extra.map((c) => set[c]), orderId, allowed],
  );
  return affectedRows(res) === 1;
}

/** {@link transition} of many orders in one statement; how many this call changed. */
export async function transitionMany(
  em: EntityManager,
  orderIds: string[],
  to: OrderStatus,
  from: readonly OrderStatus[] = sourcesOf(to),
): Promise<number> {
  const allowed = from.filter((f) => canTransition(f, to));
  if (!allowed.length || !orderIds.length) return 0;
  const ts = TIMESTAMP_COLUMN[to];
  const res = await em.query(
    `UPDATE orders SET status = ?${ts ? `, ${ts} = CURRENT_TIMESTAMP(3)` : ''} WHERE id IN (?) AND status IN (?)`,
    [to, orderIds, allowed],
  );
  return affectedRows(res);
}
