import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { afterTimeId } from '../common/pagination';
import { affectedRows } from '../database/transaction.service';
import type { CreditLevel } from '../earning/credit-levels';
import type { EntitlementKind, UseStatus } from './entitlement-rules';
import { EntitlementUseEntity } from './entities/entitlement-use.entity';
import { Where } from '../common/sql';

/** A use as it is recorded (`due_at` from `dueInSeconds`; the database sets the times). */
export interface NewUse {
  id: string;
  kind: EntitlementKind;
  status: UseStatus;
  resident_id: string;
  community_id: string;
  region_path: string;
  organization_id: string;
  recorded_by: string;
  period_year: number;
  credit_level: CreditLevel;
  policy_region_id: string | null;
  amount_fen: number | null;
  discount_percent: number | null;
}

/** What settling a bill reads of it under its row lock. */
export interface BillRow {
  status: UseStatus;
  kind: EntitlementKind;
  organization_id: string;
  resident_id: string;
  amount_fen: number;
}

/** An unpaid bill past its due time, claimed by the overdue sweep. */
export interface DueBillRow {
  id: string;
  resident_id: string;
  amount_fen: number;
}

/** Which uses a caller sees: an organisation's, or those of residents under a region path (null: all). */
export type UseScope = { organizationId: string } | { regionPath: string | null };

function scoped(s: UseScope): { sql: string; params: unknown[] } {
  if ('organizationId' in s) return { sql: 'u.organization_id = ?', params: [s.organizationId] };
  return s.regionPath === null
    ? { sql: '1 = 1', params: [] }
    : { sql: 'u.region_path LIKE ?', params: [`${s.regionPath}%`] };
}

export interface DeferredTotals {
  outstandingFen: number;
  overdueFen: number;
  count: number;
  overdueCount: number;
}

/** The one column list of `entitlement_uses` written on a new use (then `due_at`, `created_at`). */
const INSERT_COLUMNS = [
  'id',
  'kind',
  'status',
  'resident_id',
  'community_id',
  'region_path',
  'organization_id',
  'recorded_by',
  'period_year',
  'credit_level',
  'policy_region_id',
  'amount_fen',
  'discount_percent',
] as const;

/** The statements on `entitlement_uses`; whole uses are read as entities. */
@Injectable()
export class EntitlementUsesRepository {
  async insert(tx: EntityManager, u: NewUse, dueInSeconds: number | null): Promise<void> {
    await tx.query(
      `INSERT INTO entitlement_uses (${INSERT_COLUMNS.join(', ')}, due_at, created_at)
       VALUES (${INSERT_COLUMNS.map(() => '?').join(', ')},
         IF(? IS NULL, NULL, DATE_ADD(CURRENT_TIMESTAMP(3), INTERVAL ? SECOND)), CURRENT_TIMESTAMP(3))`,
      [...INSERT_COLUMNS.map((c) => u[c]), dueInSeconds, dueInSeconds ?? 0],
    );
  }

  find(tx: EntityManager, id: string): Promise<EntitlementUseEntity> {
    return tx.getRepository(EntitlementUseEntity).findOneByOrFail({ id });
  }

  findMany(tx: EntityManager, ids: string[]): Promise<EntitlementUseEntity[]> {
    return ids.length ? tx.getRepository(EntitlementUseEntity).findBy({ id: In(ids) }) : Promise.resolve([]);
  }

  /** The bill with a row lock (settling serialises on it). */
  async lockBill(tx: EntityManager, id: string): Promise<BillRow | undefined> {
    const rows: BillRow[] = await tx.query(
      'SELECT status, kind, organization_id, resident_id, amount_fen FROM entitlement_uses WHERE id = ? FOR UPDATE',
      [id],
    );
    return rows[0] && { ...rows[0], amount_fen: Number(rows[0].amount_fen) };
  }

  /** Settles the bill if it is still in `status`; false when it is not. */
  async settle(
    tx: EntityManager,
    b: { id: string; status: UseStatus; settledBy: string; note: string | null },
  ): Promise<boolean> {
    const res = await tx.query(
      `UPDATE entitlement_uses SET status = 'settled', settled_at = CURRENT_TIMESTAMP(3), settled_by = ?, settle_note = ?
        WHERE id = ? AND status = ?`,
      [b.settledBy, b.note, b.id, b.status],
    );
    return affectedRows(res) === 1;
  }

  /** Ids of a page of uses, newest first, `limit + 1` of them. */
  async pageIds(
    tx: EntityManager,
    s: UseScope,
    f: { statuses?: string[]; kind?: EntitlementKind; cursor: Array<string | number> | null; limit: number },
  ): Promise<string[]> {
    const scope = scoped(s);
    const w = new Where().and(scope).and(afterTimeId(f.cursor, 'u.created_at', 'u.id'));
    if (f.statuses) w.and('u.status IN (?)', f.statuses);
    if (f.kind) w.and('u.kind = ?', f.kind);
    const rows: Array<{ id: string }> = await tx.query(
      `SELECT u.id FROM entitlement_uses u ${w.sql} ORDER BY u.created_at DESC, u.id DESC LIMIT ?`,
      [...w.params, f.limit + 1],
    );
    return rows.map((r) => r.id);
  }

  /** Unpaid deferred bills in the scope, and the overdue ones among them. */
  async deferredTotals(tx: EntityManager, s: UseScope): Promise<DeferredTotals> {
    const scope = scoped(s);
    const [t]: Array<Record<'outstanding_fen' | 'overdue_fen' | 'n' | 'overdue_n', string | number | null>> =
      await tx.query(
        `SELECT COALESCE(SUM(CASE WHEN u.status IN ('outstanding', 'overdue') THEN u.amount_fen END), 0) AS outstanding_fen,
                COALESCE(SUM(CASE WHEN u.status = 'overdue' THEN u.amount_fen END), 0) AS overdue_fen,
                COALESCE(SUM(u.status IN ('outstanding', 'overdue')), 0) AS n,
                COALESCE(SUM(u.status = 'overdue'), 0) AS overdue_n
           FROM entitlement_uses u WHERE ${scope.sql} AND u.kind = 'treat_first_pay_later'`,
        scope.params,
      );
    return {
      outstandingFen: Number(t.outstanding_fen),
      overdueFen: Number(t.overdue_fen),
      count: Number(t.n),
      overdueCount: Number(t.overdue_n),
    };
  }

  /** Up to `batch` unpaid bills past their due time, claimed (FOR UPDATE SKIP LOCKED). */
  async claimDue(tx: EntityManager, batch: number): Promise<DueBillRow[]> {
    const rows: DueBillRow[] = await tx.query(
      `SELECT id, resident_id, amount_fen FROM entitlement_uses
        WHERE status = 'outstanding' AND due_at <= CURRENT_TIMESTAMP(3)
        ORDER BY due_at LIMIT ? FOR UPDATE SKIP LOCKED`,
      [batch],
    );
    return rows.map((r) => ({ ...r, amount_fen: Number(r.amount_fen) }));
  }

  /** Marks the bill overdue if it is still unpaid and due; false when it is not. */
  async markOverdue(tx: EntityManager, id: string): Promise<boolean> {
    const res = await tx.query(
      `UPDATE entitlement_uses SET status = 'overdue', overdue_at = CURRENT_TIMESTAMP(3)
        WHERE id = ? AND status = 'outstanding' AND due_at <= CURRENT_TIMESTAMP(3)`,
      [id],
    );
    return affectedRows(res) === 1;
  }
}
