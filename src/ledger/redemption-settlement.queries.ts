import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** Points captured for one order on one local (UTC+8) day. */
export interface CapturedPoints {
  orderId: string;
  /** `YYYY-MM-DD`, UTC+8. */
  day: string;
  points: number;
  transfers: number;
}

/**
 * The ledger's side of a counter's settlement: the `post` transfers with code `redeem` credited to
 * an organisation's redemption account (POINTS), per order and local day.
 */
@Injectable()
export class RedemptionSettlementQueries {
  async capturedPoints(
    tx: EntityManager,
    organizationId: string,
    period: { from: Date; to: Date },
  ): Promise<CapturedPoints[]> {
    const rows: Array<{ ref_id: string; day: string; points: string | number; n: string | number }> =
      await tx.query(
        `SELECT t.ref_id, DATE_FORMAT(DATE_ADD(t.created_at, INTERVAL 8 HOUR), '%Y-%m-%d') AS day,
                SUM(t.amount) AS points, COUNT(*) AS n
           FROM transfers t
           JOIN accounts a ON a.id = t.credit_account_id
          WHERE a.ledger = 'POINTS' AND a.kind = 'redemption' AND a.owner_type = 'organization'
            AND a.owner_id = ? AND a.sub = ''
            AND t.phase = 'post' AND t.code = 'redeem' AND t.ref_type = 'order'
            AND t.created_at >= ? AND t.created_at < ?
          GROUP BY t.ref_id, day`,
        [organizationId, period.from, period.to],
      );
    return rows.map((r) => ({
      orderId: r.ref_id,
      day: r.day,
      points: Number(r.points),
      transfers: Number(r.n),
    }));
  }
}
