import { DataSource } from 'typeorm';
import { AuditViolation, LedgerName, LEDGERS } from './ledger.types';

/** One invariant of the ledger and the statement that lists the rows breaking it. */
interface AuditCheck {
  invariant: AuditViolation['invariant'];
  sql: string;
  params: string[];
}

/**
 * The audit's statements on `accounts` and `transfers`, scoped to a closed set of accounts (and the
 * transfers touching them) or the whole ledger. Plain SQL: the same an outside auditor would run.
 */
export class LedgerAuditQueries {
  constructor(private readonly db: DataSource) {}

  /** The rows breaking each invariant (at most 100 a check), in the order of the checks. */
  async violations(ids: string[] | null): Promise<AuditViolation[]> {
    const v: AuditViolation[] = [];
    for (const check of auditChecks(ids)) {
      const rows: Array<Record<string, unknown>> = await this.db.query(check.sql, check.params);
      for (const r of rows) v.push({ invariant: check.invariant, detail: normalise(r) });
    }
    return v;
  }

  async counts(ids: string[] | null): Promise<{ accounts: number; transfers: number }> {
    const { acc, trf, accP, trfP } = scopeOf(ids);
    const [a]: Array<{ n: string | number }> = await this.db.query(
      `SELECT COUNT(*) n FROM accounts a WHERE ${acc}`,
      accP,
    );
    const [t]: Array<{ n: string | number }> = await this.db.query(
      `SELECT COUNT(*) n FROM transfers t WHERE ${trf('t')}`,
      trfP,
    );
    return { accounts: Number(a.n), transfers: Number(t.n) };
  }

  /** Accounts and transfers of each ledger of `LEDGERS` (zeros for a ledger with none). */
  async countsByLedger(
    ids: string[] | null,
  ): Promise<Record<LedgerName, { accounts: number; transfers: number }>> {
    const { acc, trf, accP, trfP } = scopeOf(ids);
    const out = Object.fromEntries(LEDGERS.map((l) => [l, { accounts: 0, transfers: 0 }])) as Record<
      LedgerName,
      { accounts: number; transfers: number }
    >;
    const a: Array<{ ledger: LedgerName; n: string | number }> = await this.db.query(
      `SELECT ledger, COUNT(*) n FROM accounts a WHERE ${acc} GROUP BY ledger`,
      accP,
    );
    const t: Array<{ ledger: LedgerName; n: string | number }> = await this.db.query(
      `SELECT ledger, COUNT(*) n FROM transfers t WHERE ${trf('t')} GROUP BY ledger`,
      trfP,
    );
    for (const r of a) if (out[r.ledger]) out[r.ledger].accounts = Number(r.n);
    for (const r of t) if (out[r.ledger]) out[r.ledger].transfers = Number(r.n);
    return out;
  }
}

/** The WHERE clauses (and their parameters) limiting accounts and transfers to a scope. */
function scopeOf(ids: string[] | null) {
  const list = ids ? ids.map(() => '?').join(', ') : '';
  return {
    acc: ids ? `a.id IN (${list})` : '1 = 1',
    trf: (alias: string) =>
      ids ? `(${alias}.debit_account_id IN (${list}) OR ${alias}.credit_account_id IN (${list}))` : '1 = 1',
    accP: ids ?? [],
    trfP: ids ? [...ids, ...ids] : [],
  };
}

function auditChecks(ids: string[] | null): AuditCheck[] {
  const { acc, trf, accP, trfP } = scopeOf(ids);
  return [
    {
      invariant: 'ledger_totals_balance',
      params: accP,
      sql: `SELECT ledger, SUM(debits_pending) dp, SUM(credits_pending) cp, SUM(debits_posted) dd, SUM(credits_posted) cd
         FROM accounts a WHERE ${acc} GROUP BY ledger HAVING SUM(debits_pending) <> SUM(credits_pending) OR SUM(debits_posted) <> SUM(credits_posted)`,
    },
    {
      invariant: 'account_equals_transfers',
      params: accP,
      sql: `SELECT a.id, a.kind, a.debits_pending, a.debits_posted, a.credits_pending, a.credits_posted,
              COALESCE(d.pending, 0) exp_debits_pending, COALESCE(d.posted, 0) exp_debits_posted,
              COALESCE(c.pending, 0) exp_credits_pending, COALESCE(c.posted, 0) exp_credits_posted
         FROM accounts a
         LEFT JOIN (${sideSums('debit_account_id', ids)}) d ON d.account_id = a.id
         LEFT JOIN (${sideSums('credit_account_id', ids)}) c ON c.account_id = a.id
        WHERE ${acc} AND (a.debits_pending <> COALESCE(d.pending, 0) OR a.debits_posted <> COALESCE(d.posted, 0)
           OR a.credits_pending <> COALESCE(c.pending, 0) OR a.credits_posted <> COALESCE(c.posted, 0))
        LIMIT 100`,
    },
    {
      invariant: 'limited_account_not_below_zero',
      params: accP,
      sql: `SELECT a.id, a.kind, a.ledger, a.credits_posted, a.debits_posted, a.debits_pending, COALESCE(e.exempt_debits, 0) exempt_debits
         FROM accounts a
         LEFT JOIN (SELECT debit_account_id account_id, SUM(amount) exempt_debits FROM transfers WHERE exempt = 1 AND phase = 'single' GROUP BY debit_account_id) e
           ON e.account_id = a.id
        WHERE ${acc} AND ((a.flags & 1 = 1 AND a.debits_posted + a.debits_pending - COALESCE(e.exempt_debits, 0) > a.credits_posted)
           OR (a.flags & 2 = 2 AND a.credits_posted + a.credits_pending > a.debits_posted))
        LIMIT 100`,
    },
    {
      invariant: 'resolution_matches_hold',
      params: trfP,
      sql: `SELECT r.id, r.phase, r.pending_id, r.amount, p.phase pending_phase, p.amount pending_amount
         FROM transfers r LEFT JOIN transfers p ON p.id = r.pending_id
        WHERE ${trf('r')} AND r.phase IN ('post', 'void') AND (
              p.id IS NULL OR p.phase <> 'pending'
           OR p.debit_account_id <> r.debit_account_id OR p.credit_account_id <> r.credit_account_id
           OR (r.phase = 'post' AND r.amount > p.amount) OR (r.phase = 'void' AND r.amount <> p.amount))
        LIMIT 100`,
    },
    {
      invariant: 'hold_resolved_at_most_once',
      params: trfP,
      sql: `SELECT pending_id, COUNT(*) n FROM transfers t WHERE ${trf('t')} AND pending_id IS NOT NULL GROUP BY pending_id HAVING COUNT(*) > 1 LIMIT 100`,
    },
    {
      invariant: 'transfer_within_one_ledger',
      params: trfP,
      sql: `SELECT t.id, t.ledger, da.ledger debit_ledger, ca.ledger credit_ledger
         FROM transfers t LEFT JOIN accounts da ON da.id = t.debit_account_id LEFT JOIN accounts ca ON ca.id = t.credit_account_id
        WHERE ${trf('t')} AND (da.id IS NULL OR ca.id IS NULL OR da.ledger <> t.ledger OR ca.ledger <> t.ledger OR t.debit_account_id = t.credit_account_id)
        LIMIT 100`,
    },
    {
      invariant: 'known_ledger',
      params: [...accP, ...trfP],
      sql: `SELECT 'account' row_type, a.id, a.ledger FROM accounts a WHERE ${acc} AND a.ledger NOT IN (${KNOWN})
        UNION ALL
        SELECT 'transfer' row_type, t.id, t.ledger FROM transfers t WHERE ${trf('t')} AND t.ledger NOT IN (${KNOWN})
        LIMIT 100`,
    },
  ];
}

/** The ledgers' names as an SQL list (constants, not input). */
const KNOWN = LEDGERS.map((l) => `'${l}'`).join(', ');

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
