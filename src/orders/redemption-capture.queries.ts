import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { OrderEntity } from './entities/order.entity';

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
