import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { afterTimeId } from '../common/pagination';
import { LedgerName, Phase, Transfer } from './ledger.types';
import { Where } from '../common/sql';

/** A `transfers` row as the driver returns it. */
export interface TransferRow {
  id: string;
  ledger: LedgerName;
  debit_account_id: string;
  credit_account_id: string;
  amount: string | number;
  phase: Phase;
  pending_id: string | null;
  code: string;
  ref_type: string | null;
  ref_id: string | null;
  exempt: number | boolean;
  created_at: Date;
}

/** A transfer to record: every column but `created_at`, which the database stamps. */
export type NewTransfer = Omit<Transfer, 'createdAt'>;

/** The one column list of `transfers`, in the order of every INSERT and SELECT. */
const TRANSFER_COLUMNS =
  'id, ledger, debit_account_id, credit_account_id, amount, phase, pending_id, code, ref_type, ref_id, exempt, created_at';
const TRANSFER_VALUES = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP(3))';

export const toTransfer = (r: TransferRow): Transfer => ({
  id: r.id,
  ledger: r.ledger,
  debitAccountId: r.debit_account_id,
  creditAccountId: r.credit_account_id,
  amount: Number(r.amount),
  phase: r.phase,
  pendingId: r.pending_id,
  code: r.code,
  refType: r.ref_type,
  refId: r.ref_id,
  exempt: !!Number(r.exempt),
  createdAt: r.created_at,
});

const first = (rows: TransferRow[]): Transfer | null => (rows[0] ? toTransfer(rows[0]) : null);

/** The statements on `transfers`. Rows are written once and never updated. */
@Injectable()
export class TransfersRepository {
  /** Records transfers in one multi-row insert (a duplicate id fails the statement). */
  async insert(tx: EntityManager, transfers: NewTransfer[]): Promise<void> {
    await tx.query(
      `INSERT INTO transfers (${TRANSFER_COLUMNS}) VALUES ${transfers.map(() => TRANSFER_VALUES).join(', ')}`,
      transfers.flatMap((t) => [
        t.id,
        t.ledger,
        t.debitAccountId,
        t.creditAccountId,
        t.amount,
        t.phase,
        t.pendingId,
        t.code,
        t.refType,
        t.refId,
        t.exempt ? 1 : 0,
      ]),
    );
  }

  async byId(tx: EntityManager, id: string): Promise<Transfer | null> {
    return first(await tx.query(`SELECT ${TRANSFER_COLUMNS} FROM transfers WHERE id = ?`, [id]));
  }

  /** Locks a transfer row: resolutions of one pending transfer are serialised on it. */
  async lockById(tx: EntityManager, id: string): Promise<Transfer | null> {
    return first(await tx.query(`SELECT ${TRANSFER_COLUMNS} FROM transfers WHERE id = ? FOR UPDATE`, [id]));
  }

  /** Locks transfer rows in id order (the lock order of a batch): resolutions of many holds at once. */
  async lockByIds(tx: EntityManager, ids: string[]): Promise<Transfer[]> {
    const rows: TransferRow[] = await tx.query(
      `SELECT ${TRANSFER_COLUMNS} FROM transfers WHERE id IN (?) ORDER BY id FOR UPDATE`,
      [ids],
    );
    return rows.map(toTransfer);
  }

  /** The post or void that resolved a pending transfer. */
  async byPendingId(tx: EntityManager, pendingId: string): Promise<Transfer | null> {
    return first(
      await tx.query(`SELECT ${TRANSFER_COLUMNS} FROM transfers WHERE pending_id = ?`, [pendingId]),
    );
  }

  /** Which of these ids are recorded already. */
  async existingIds(tx: EntityManager, ids: string[]): Promise<Set<string>> {
    const rows: Array<Pick<TransferRow, 'id'>> = await tx.query('SELECT id FROM transfers WHERE id IN (?)', [
      ids,
    ]);
    return new Set(rows.map((r) => r.id));
  }

  /** The debit account of each of these transfers, by transfer id. */
  async debitAccounts(tx: EntityManager, ids: string[]): Promise<Map<string, string>> {
    const rows: Array<Pick<TransferRow, 'id' | 'debit_account_id'>> = await tx.query(
      'SELECT id, debit_account_id FROM transfers WHERE id IN (?)',
      [ids],
    );
    return new Map(rows.map((r) => [r.id, r.debit_account_id]));
  }

  /** Transfers touching an account, newest first, after a `[createdAt, id]` cursor. */
  async ofAccount(
    tx: EntityManager,
    q: { accountId: string; code?: string; cursor: Array<string | number> | null; limit: number },
  ): Promise<Transfer[]> {
    const w = new Where()
      .and('debit_account_id = ? OR credit_account_id = ?', q.accountId, q.accountId)
      .and(afterTimeId(q.cursor, 'created_at', 'id'));
    if (q.code) w.and('code = ?', q.code);
    const rows: TransferRow[] = await tx.query(
      `SELECT ${TRANSFER_COLUMNS} FROM transfers ${w.sql} ORDER BY created_at DESC, id DESC LIMIT ?`,
      [...w.params, q.limit],
    );
    return rows.map(toTransfer);
  }
}
