import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** Points an order's redemption moved to a provider in a period. */
export interface RedeemedOrderPoints {
  orderId: string;
  providerOrganizationId: string;
  points: number;
}

/**
 * The ledger's side of city-wide settlement (通兑): the `post` transfers with code `redeem` into
 * providers' redemption accounts (POINTS) in a period, per order; the time is the transfer's.
 */
@Injectable()
export class SettlementLedgerQueries {
  async redeemedByOrder(tx: EntityManager, from: Date, to: Date): Promise<RedeemedOrderPoints[]> {
    const rows: Array<{ ref_id: string; owner_id: string; points: string | number }> = await tx.query(
      `SELECT t.ref_id, a.owner_id, SUM(t.amount) AS points
         FROM transfers t
         JOIN accounts a ON a.id = t.credit_account_id
        WHERE t.ledger = 'POINTS' AND t.code = 'redeem' AND t.created_at >= ? AND t.created_at < ?
          AND t.phase = 'post' AND t.ref_type = 'order'
          AND a.kind = 'redemption' AND a.owner_type = 'organization'
        GROUP BY t.ref_id, a.owner_id`,
      [from, to],
    );
    return rows.map((r) => ({
      orderId: r.ref_id,
      providerOrganizationId: r.owner_id,
      points: Number(r.points),
    }));
  }
}
