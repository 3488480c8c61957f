import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { affectedRows } from '../database/transaction.service';
import { OrderEntity } from './entities/order.entity';
import { canTransition } from './order-state-machine';

export type { OrderEntity } from './entities/order.entity';

/** What the counter shows of an order it scanned or disputes. */
export interface RedeemedOrderFacts {
  id: string;
  listingId: string;
  residentId: string;
  totalPoints: number;
}

/**
 * The orders' side of redemption: the lock a scan takes on the order row, the order as the counter
 * reads it, and the vouchers of an organisation that no longer redeem (for an offline bundle).
 */
@Injectable()
export class RedemptionCaptureQueries {
  /** `SELECT ... FOR UPDATE` on the order: scans, cancellations and expiry of one order serialise here. */
  lock(tx: EntityManager, orderId: string): Promise<OrderEntity | null> {
    return tx
      .getRepository(OrderEntity)
      .findOne({ where: { id: orderId }, lock: { mode: 'pessimistic_write' } });
  }

  /**
   * `SELECT ... FOR UPDATE` on many orders, in id order (the lock order of every batch, so two
   * batches never wait on each other in a circle); the orders that exist.
   */
  lockMany(tx: EntityManager, orderIds: string[]): Promise<OrderEntity[]> {
    if (!orderIds.length) return Promise.resolve([]);
    return tx.getRepository(OrderEntity).find({
      where: { id: In([...new Set(orderIds)]) },
      order: { id: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });
  }

  /**
   * Moves many orders `ready` → `redeemed` at `at` in one conditional update, each with who and on
   * which device; how many moved (the caller holds their locks, so all of them unless one changed).
   */
  async redeemMany(
    tx: EntityManager,
    at: Date,
    captures: Array<{ orderId: string; redeemedBy: string; deviceId: string | null }>,
  ): Promise<number> {
    if (!captures.length || !canTransition('ready', 'redeemed')) return 0;
    const cases = captures.map(() => 'WHEN ? THEN ?').join(' ');
    const res: unknown = await tx.query(
      `UPDATE orders SET status = 'redeemed', redeemed_at = ?,
          redeemed_by = CASE id ${cases} END, redeemed_device = CASE id ${cases} END
        WHERE id IN (?) AND status = 'ready'`,
      [
        at,
        ...captures.flatMap((c) => [c.orderId, c.redeemedBy]),
        ...captures.flatMap((c) => [c.orderId, c.deviceId]),
        captures.map((c) => c.orderId),
      ],
    );
    return affectedRows(res);
  }

  find(tx: EntityManager, orderId: string): Promise<OrderEntity | null> {
    return tx.getRepository(OrderEntity).findOneBy({ id: orderId });
  }

  /** Orders by id, with what a counter's lists show of them. */
  async facts(tx: EntityManager, orderIds: string[]): Promise<Map<string, RedeemedOrderFacts>> {
    const ids = [...new Set(orderIds)];
    const rows = ids.length
      ? await tx.getRepository(OrderEntity).find({
          select: { id: true, listingId: true, residentId: true, totalPoints: true },
          where: { id: In(ids) },
        })
      : [];
    return new Map(
      rows.map((o) => [
        o.id,
        { id: o.id, listingId: o.listingId, residentId: o.residentId, totalPoints: Number(o.totalPoints) },
      ]),
    );
  }

  /** Vouchers of the organisation whose signature still looks valid (expiry ahead) but that no longer redeem. */
  async closedVoucherIds(tx: EntityManager, organizationId: string, now: Date): Promise<string[]> {
    const rows: Array<{ id: string }> = await tx.query(
      `SELECT id FROM orders WHERE provider_organization_id = ? AND status IN ('cancelled', 'expired', 'redeemed')
          AND expires_at > ? ORDER BY id`,
      [organizationId, now],
    );
    return rows.map((r) => r.id);
  }
}
