import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** Points of the orders redeemed, by the community ordered from: in [from, to) and before `to`. */
export interface RedeemedPointsRow {
  communityId: string;
  period: number;
  total: number;
}

/** Orders of a listing placed but not redeemed yet. */
export interface OpenOrdersRow {
  listingId: string;
  orders: number;
  quantity: number;
}

/** What a trace shows of an order. */
export interface OrderGlimpseRow {
  id: string;
  status: string;
  residentId: string;
  redeemedAt: Date | null;
}

type Num = string | number | null;
const n = (v: Num | undefined): number => Number(v ?? 0);
const marks = (xs: unknown[]) => xs.map(() => '?').join(', ');

/** The orders module's reads for funding reports and donation traces (read-only, on `tx`). */
@Injectable()
export class OrderReportQueries {
  /**
   * Points redeemed at the counter, by community. The capture posts the order's whole hold (code
   * `redeem`) in the transaction that marks it redeemed, so this is the ledger's figure; read from
   * the orders, it is one narrow scan instead of a row lookup per posted transfer.
   */
  async redeemedPoints(
    tx: EntityManager,
    communityIds: string[],
    from: Date,
    to: Date,
  ): Promise<RedeemedPointsRow[]> {
    if (!communityIds.length) return [];
    const rows: Array<{ community_id: string; period: Num; total: Num }> = await tx.query(
      `SELECT community_id, SUM(CASE WHEN redeemed_at >= ? THEN total_points ELSE 0 END) AS period,
              SUM(total_points) AS total
         FROM orders
        WHERE status = 'redeemed' AND redeemed_at < ? AND community_id IN (${marks(communityIds)})
        GROUP BY community_id`,
      [from, to, ...communityIds],
    );
    return rows.map((r) => ({ communityId: r.community_id, period: n(r.period), total: n(r.total) }));
  }

  /** Orders placed and not redeemed yet (pending, ready), by listing. */
  async openOrders(tx: EntityManager, listingIds: string[]): Promise<OpenOrdersRow[]> {
    if (!listingIds.length) return [];
    const rows: Array<{ listing_id: string; n: Num; q: Num }> = await tx.query(
      `SELECT listing_id, COUNT(*) AS n, SUM(quantity) AS q FROM orders
        WHERE listing_id IN (?) AND status IN ('pending', 'ready') GROUP BY listing_id`,
      [listingIds],
    );
    return rows.map((r) => ({ listingId: r.listing_id, orders: n(r.n), quantity: n(r.q) }));
  }

  /** These orders' status, resident and time of redemption. */
  async glimpses(tx: EntityManager, orderIds: string[]): Promise<OrderGlimpseRow[]> {
    if (!orderIds.length) return [];
    const rows: Array<{ id: string; status: string; resident_id: string; redeemed_at: Date | null }> =
      await tx.query('SELECT id, status, resident_id, redeemed_at FROM orders WHERE id IN (?)', [orderIds]);
    return rows.map((r) => ({
      id: r.id,
      status: r.status,
      residentId: r.resident_id,
      redeemedAt: r.redeemed_at,
    }));
  }
}
