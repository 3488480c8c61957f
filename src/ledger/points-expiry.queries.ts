import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** What points expiry reads from the ledger: what each wallet was credited before a moment. */
@Injectable()
export class PointsExpiryLedgerQueries {
  /** Points credited (posted) to each of these accounts before `before`, by account id (0: absent). */
  async creditsBefore(tx: EntityManager, accountIds: string[], before: Date): Promise<Map<string, number>> {
    if (!accountIds.length) return new Map();
    const rows: Array<{ credit_account_id: string; points: string | number }> = await tx.query(
      `SELECT credit_account_id, SUM(amount) AS points FROM transfers
        WHERE credit_account_id IN (?) AND phase IN ('single', 'post') AND created_at < ?
        GROUP BY credit_account_id`,
      [accountIds, before],
    );
    return new Map(rows.map((r) => [r.credit_account_id, Number(r.points)]));
  }

  /** What each of these accounts has spent (posted) and holds (pending) now, by account id; no lock. */
  async debitsOf(
    tx: EntityManager,
    accountIds: string[],
  ): Promise<Map<string, { posted: number; pending: number }>> {
    if (!accountIds.length) return new Map();
    const rows: Array<{ id: string; debits_posted: string | number; debits_pending: string | number }> =
      await tx.query('SELECT id, debits_posted, debits_pending FROM accounts WHERE id IN (?)', [accountIds]);
    return new Map(
      rows.map((r) => [r.id, { posted: Number(r.debits_posted), pending: Number(r.debits_pending) }]),
    );
  }

  /** Which of these transfer ids are recorded. */
  async recorded(tx: EntityManager, ids: string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const rows: Array<{ id: string }> = await tx.query('SELECT id FROM transfers WHERE id IN (?)', [ids]);
    return new Set(rows.map((r) => r.id));
  }
}
