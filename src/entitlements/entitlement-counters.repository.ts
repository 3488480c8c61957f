import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { affectedRows } from '../database/transaction.service';
import type { EntitlementKind } from './entitlement-rules';

/** A resident's yearly use of one kind (`entitlement_counters`). */
export interface CounterKey {
  residentId: string;
  kind: EntitlementKind;
  year: number;
}

/** A resident's unpaid deferred bills (`entitlement_balances`). */
export interface Balance {
  outstandingFen: number;
  overdueCount: number;
}

/** The one column list of each table. */
const COUNTER_COLUMNS = 'resident_id, kind, period_year, used';
const BALANCE_COLUMNS = 'resident_id, outstanding_fen, overdue_count';
const COUNTER_KEY = 'resident_id = ? AND kind = ? AND period_year = ?';

/**
 * The counter rows that quotas and the cap on deferred bills are enforced on: every change is a
 * conditional UPDATE, so concurrent uses never pass a limit together.
 */
@Injectable()
export class EntitlementCountersRepository {
  /** Makes the counter row exist (before the recording transaction, which only updates it). */
  async ensureCounter(tx: EntityManager, k: CounterKey): Promise<void> {
    await tx.query(
      `INSERT INTO entitlement_counters (${COUNTER_COLUMNS}) VALUES (?, ?, ?, 0) ON DUPLICATE KEY UPDATE used = used`,
      [k.residentId, k.kind, k.year],
    );
  }

  async used(tx: EntityManager, k: CounterKey): Promise<number | undefined> {
    const [row]: Array<{ used: number }> = await tx.query(
      `SELECT ${COUNTER_COLUMNS} FROM entitlement_counters WHERE ${COUNTER_KEY}`,
      [k.residentId, k.kind, k.year],
    );
    return row ? Number(row.used) : undefined;
  }

  /** One more use, only while it stays within the quota; false when the quota is taken. */
  async take(tx: EntityManager, k: CounterKey, quota: number): Promise<boolean> {
    const res = await tx.query(
      `UPDATE entitlement_counters SET used = used + 1 WHERE ${COUNTER_KEY} AND used + 1 <= ?`,
      [k.residentId, k.kind, k.year, quota],
    );
    return affectedRows(res) === 1;
  }

  async ensureBalance(tx: EntityManager, residentId: string): Promise<void> {
    await tx.query(
      `INSERT INTO entitlement_balances (${BALANCE_COLUMNS}) VALUES (?, 0, 0) ON DUPLICATE KEY UPDATE resident_id = resident_id`,
      [residentId],
    );
  }

  async balance(tx: EntityManager, residentId: string): Promise<Balance | undefined> {
    const [b]: Array<{ outstanding_fen: string | number; overdue_count: number }> = await tx.query(
      `SELECT ${BALANCE_COLUMNS} FROM entitlement_balances WHERE resident_id = ?`,
      [residentId],
    );
    return b && { outstandingFen: Number(b.outstanding_fen), overdueCount: Number(b.overdue_count) };
  }

  /** Adds a bill while nothing is overdue and the sum stays under the cap (null: no cap); false otherwise. */
  async addDeferred(tx: EntityManager, residentId: string, amountFen: number, cap: number | null): Promise<boolean> {
    const res = await tx.query(
      `UPDATE entitlement_balances SET outstanding_fen = outstanding_fen + ?
        WHERE resident_id = ? AND overdue_count = 0 AND (? IS NULL OR outstanding_fen + ? <= ?)`,
      [amountFen, residentId, cap, amountFen, cap],
    );
    return affectedRows(res) === 1;
  }

  /** Takes a settled bill off the balance (and off the overdue count if it was overdue). */
  async pay(tx: EntityManager, residentId: string, amountFen: number, overdue: 0 | 1): Promise<boolean> {
    const res = await tx.query(
      `UPDATE entitlement_balances SET outstanding_fen = outstanding_fen - ?, overdue_count = overdue_count - ?
        WHERE resident_id = ? AND outstanding_fen >= ? AND overdue_count >= ?`,
      [amountFen, overdue, residentId, amountFen, overdue],
    );
    return affectedRows(res) === 1;
  }

  /** One more overdue bill: the resident's treat first, pay later is suspended. */
  async countOverdue(tx: EntityManager, residentId: string): Promise<boolean> {
    const res = await tx.query(
      'UPDATE entitlement_balances SET overdue_count = overdue_count + 1 WHERE resident_id = ?',
      [residentId],
    );
    return affectedRows(res) === 1;
  }
}
