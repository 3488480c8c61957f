import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** The orders' side of city-wide settlement (通兑): which community ordered (and so pays for) each order. */
@Injectable()
export class SettlementOrderQueries {
  /** The ordering resident's community of each of these orders, by order id. */
  async payers(tx: EntityManager, orderIds: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const ids = [...new Set(orderIds)];
    for (let i = 0; i < ids.length; i += 1000) {
      const rows: Array<{ id: string; community_id: string }> = await tx.query(
        'SELECT id, community_id FROM orders WHERE id IN (?)',
        [ids.slice(i, i + 1000)],
      );
      for (const r of rows) out.set(r.id, r.community_id);
    }
    return out;
  }
}
