import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditReport, AuditViolation } from './ledger.types';

/**
 * Checks the ledger's invariants with plain SQL (the same queries an outside auditor would run):
 * 1. per ledger, total debits equal total credits, pending and posted;
 * 2. each account's four columns equal the sums of its transfers;
 * 3. no limited account below zero: for `debits_must_not_exceed_credits`, the debits that were
 *    subject to the limit (all but exempt deductions) never exceed the posted credits;
 * 4. every pending transfer is resolved at most once, by a post of at most its amount or a void of
 *    exactly its amount, on the same accounts;
 * 5. every transfer joins two accounts of its own ledger.
 */
@Injectable()
export class LedgerAuditService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Audits the whole ledger, or only the given accounts (and the transfers touching them) when a
   * scope is given: a closed set of accounts must balance on its own.
   */
  async run(scope?: { accountIds: string[] }): Promise<AuditReport> {
    const v: AuditViolation[] = [];
    const q = (sql: string, p: unknown[] = []) =>
      this.db.query(sql, p) as Promise<Array<Record<string, unknown>>>;
    const ids = scope?.accountIds.length ? scope.accountIds : null;
    const acc = (alias: string) => (ids ? `${alias}.id IN (${ids.map(() => '?').join(', ')})` : '1 = 1');
    const trf = (alias: string) =>
      ids
        ? `(${alias}.debit_account_id IN (${ids.map(() => '?').join(', ')}) OR ${alias}.credit_account_id IN (${ids.map(() => '?').join(', ')}))`
        : '1 = 1';
    const accP = ids ?? [];
    const trfP = ids ? [...ids, ...ids] : [];

    for (const r of await q(
      `SELECT ledger, SUM(debits_pending) dp, SUM(credits_pending) cp, SUM(debits_posted) dd, SUM(credits_posted) cd
         FROM accounts a WHERE ${acc('a')} GROUP BY ledger HAVING SUM(debits_pending) <> SUM(credits_pending) OR SUM(debits_posted) <> SUM(credits_posted)`,
      accP,
    )) {
      v.push({ invariant: 'ledger_totals_balance', detail: normalise(r) });
    }

    for (const r of await q(
      `SELECT a.id, a.kind, a.debits_pending, a.debits_posted, a.credits_pending, a.credits_posted,
              COALESCE(d.pending, 0) exp_debits_pending, COALESCE(d.posted, 0) exp_debits_posted,
              COALESCE(c.pending, 0) exp_credits_pending, COALESCE(c.posted, 0) exp_credits_posted
         FROM accounts a
         LEFT JOIN (${sideSums('debit_account_id', ids)}) d ON d.account_id = a.id
         LEFT JOIN (${sideSums('credit_account_id', ids)}) c ON c.account_id = a.id
        WHERE ${acc('a')} AND (a.debits_pending <> COALESCE(d.pending, 0) OR a.debits_posted <> COALESCE(d.posted, 0)
           OR a.credits_pending <> COALESCE(c.pending, 0) OR a.credits_posted <> COALESCE(c.posted, 0))
        LIMIT 100`,
      accP,
    )) {
      v.push({ invariant: 'account_equals_transfers', detail: normalise(r) });
    }

    for (const r of await q(
      `SELECT a.id, a.kind, a.ledger, a.credits_posted, a.debits_posted, a.debits_pending, COALESCE(e.exempt_debits, 0) exempt_debits
         FROM accounts a
         LEFT JOIN (SELECT debit_account_id account_id, SUM(amount) exempt_debits FROM transfers WHERE exempt = 1 AND phase = 'single' GROUP BY debit_account_id) e
           ON e.account_id = a.id
        WHERE ${acc('a')} AND ((a.flags & 1 = 1 AND a.debits_posted + a.debits_pending - COALESCE(e.exempt_debits, 0) > a.credits_posted)
           OR (a.flags & 2 = 2 AND a.credits_posted + a.credits_pending > a.debits_posted))
        LIMIT 100`,
      accP,
    )) {
      v.push({ invariant: 'limited_account_not_below_zero', detail: normalise(r) });
    }

    for (const r of await q(
      `SELECT r.id, r.phase, r.pending_id, r.amount, p.phase pending_phase, p.amount pending_amount
         FROM transfers r LEFT JOIN transfers p ON p.id = r.pending_id
        WHERE ${trf('r')} AND r.phase IN ('post', 'void') AND (
              p.id IS NULL OR p.phase <> 'pending'
           OR p.debit_account_id <> r.debit_account_id OR p.credit_account_id <> r.credit_account_id
           OR (r.phase = 'post' AND r.amount > p.amount) OR (r.phase = 'void' AND r.amount <> p.amount))
        LIMIT 100`,
      trfP,
    )) {
      v.push({ invariant: 'resolution_matches_hold', detail: normalise(r) });
    }
    for (const r of await q(
      `SELECT pending_id, COUNT(*) n FROM transfers t WHERE ${trf('t')} AND pending_id IS NOT NULL GROUP BY pending_id HAVING COUNT(*) > 1 LIMIT 100`,
      trfP,
    )) {
      v.push({ invariant: 'hold_resolved_at_most_once', detail: normalise(r) });
    }
    for (const r of await q(
      `SELECT t.id, t.ledger, da.ledger debit_ledger, ca.ledger credit_ledger
         FROM transfers t LEFT JOIN accounts da ON da.id = t.debit_account_id LEFT JOIN accounts ca ON ca.id = t.credit_account_id
        WHERE ${trf('t')} AND (da.id IS NULL OR ca.id IS NULL OR da.ledger <> t.ledger OR ca.ledger <> t.ledger OR t.debit_account_id = t.credit_account_id)
        LIMIT 100`,
      trfP,
    )) {
      v.push({ invariant: 'transfer_within_one_ledger', detail: normalise(r) });
    }

    const [{ n: accounts }] = await q(`SELECT COUNT(*) n FROM accounts a WHERE ${acc('a')}`, accP);
    const [{ n: transfers }] = await q(`SELECT COUNT(*) n FROM transfers t WHERE ${trf('t')}`, trfP);
    return {
      ok: v.length === 0,
      checkedAt: new Date().toISOString(),
      accounts: Number(accounts),
      transfers: Number(transfers),
      violations: v,
    };
  }
}

/**
 * Per account on one side: posted = single + post amounts; pending = pending amounts whose hold is
 * not resolved yet.
 */
function sideSums(side: 'debit_account_id' | 'credit_account_id', ids: string[] | null): string {
  const filter = ids
    ? `WHERE t.${side} IN (${ids.map((i) => `'${i.replace(/[^0-9a-f-]/gi, '')}'`).join(', ')})`
    : '';
  return `SELECT t.${side} account_id,
                 SUM(CASE WHEN t.phase IN ('single', 'post') THEN t.amount ELSE 0 END) posted,
                 SUM(CASE WHEN t.phase = 'pending' AND r.id IS NULL THEN t.amount ELSE 0 END) pending
            FROM transfers t LEFT JOIN transfers r ON r.pending_id = t.id AND t.phase = 'pending'
           ${filter}
           GROUP BY t.${side}`;
}

function normalise(r: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(r).map(([k, val]) => [
      k,
      typeof val === 'string' && /^-?\d+$/.test(val) ? Number(val) : val,
    ]),
  );
}
