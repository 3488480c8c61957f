import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { SqlFragment } from '../common/sql';

/** The points wallet of a user, as every earning query matches it. */
const USER_WALLET = "ledger = 'POINTS' AND kind = 'wallet' AND owner_type = 'user' AND sub = ''";

/**
 * What earning reads from the ledger: points earned in a period (awards, base grants and reversed
 * deductions credited to a wallet, minus deductions debited from it; spending does not count) and
 * users' wallet ids.
 */
@Injectable()
export class EarningLedgerQueries {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * `(user_id, points)` of every user wallet with earning movements in [from, to): a subquery to
   * join on `user_id` (rankings, boards).
   */
  earnedByUser(from: Date, to: Date): SqlFragment {
    return {
      sql: `
  SELECT e.user_id, SUM(e.amount) AS points FROM (
    SELECT a.owner_id AS user_id, t.amount
      FROM transfers t JOIN accounts a ON a.id = t.credit_account_id
     WHERE t.ledger = 'POINTS' AND t.code IN ('award', 'base_grant', 'deduction_reversal') AND t.created_at >= ? AND t.created_at < ?
       AND a.kind = 'wallet' AND a.owner_type = 'user'
    UNION ALL
    SELECT a.owner_id AS user_id, -t.amount
      FROM transfers t JOIN accounts a ON a.id = t.debit_account_id
     WHERE t.ledger = 'POINTS' AND t.code = 'deduction' AND t.created_at >= ? AND t.created_at < ?
       AND a.kind = 'wallet' AND a.owner_type = 'user'
  ) e GROUP BY e.user_id`,
      params: [from, to, from, to],
    };
  }

  /** Points one user earned in [from, to): 0 without a wallet. */
  async earnedBy(userId: string, from: Date, to: Date): Promise<number> {
    const walletId = (await this.walletIdsOf(this.db.manager, [userId])).get(userId);
    if (!walletId) return 0;
    const [row]: Array<{ points: number | string }> = await this.db.query(
      `SELECT COALESCE(SUM(CASE
               WHEN credit_account_id = ? AND code IN ('award', 'base_grant', 'deduction_reversal') THEN amount
               WHEN debit_account_id = ? AND code = 'deduction' THEN -amount
               ELSE 0 END), 0) AS points
         FROM transfers
        WHERE (credit_account_id = ? OR debit_account_id = ?) AND created_at >= ? AND created_at < ?`,
      [walletId, walletId, walletId, walletId, from, to],
    );
    return Number(row?.points ?? 0);
  }

  /** The existing points wallets of these users (user id → account id); creates none. */
  async walletIdsOf(tx: EntityManager, userIds: string[]): Promise<Map<string, string>> {
    if (!userIds.length) return new Map();
    const rows: Array<{ owner_id: string; id: string }> = await tx.query(
      `SELECT owner_id, id FROM accounts WHERE ${USER_WALLET} AND owner_id IN (?)`,
      [userIds],
    );
    return new Map(rows.map((r) => [r.owner_id, r.id]));
  }

  /** Those of these users who have no points wallet yet. */
  async withoutWallet(userIds: string[]): Promise<string[]> {
    const have = await this.walletIdsOf(this.db.manager, userIds);
    return userIds.filter((id) => !have.has(id));
  }
}
