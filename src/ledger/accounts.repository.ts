import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { affectedRows } from '../database/transaction.service';
import { AccountKind, AccountSpec, Balances, LedgerName, OwnerType } from './ledger.types';

/** An `accounts` row as the driver returns it (sums are BIGINT: strings). */
export interface AccountRow {
  id: string;
  ledger: LedgerName;
  kind: AccountKind;
  owner_type: OwnerType;
  owner_id: string;
  sub: string;
  flags: number;
  debits_pending: string | number;
  debits_posted: string | number;
  credits_pending: string | number;
  credits_posted: string | number;
}

/** An account's four sums as numbers (all 0 without a row). */
export const toBalances = (accountId: string | null, r: AccountRow | null): Balances => ({
  accountId,
  debitsPending: Number(r?.debits_pending ?? 0),
  debitsPosted: Number(r?.debits_posted ?? 0),
  creditsPending: Number(r?.credits_pending ?? 0),
  creditsPosted: Number(r?.credits_posted ?? 0),
});

/** The one column list of `accounts`: the key columns an INSERT writes, then the four sums. */
const ACCOUNT_KEY_COLUMNS = 'id, ledger, kind, owner_type, owner_id, sub, flags';
const ACCOUNT_COLUMNS = `${ACCOUNT_KEY_COLUMNS}, debits_pending, debits_posted, credits_pending, credits_posted`;
const ACCOUNT_KEY = 'ledger = ? AND kind = ? AND owner_type = ? AND owner_id = ? AND sub = ?';
const keyOf = (s: AccountSpec): unknown[] => [s.ledger, s.kind, s.ownerType, s.ownerId, s.sub ?? ''];

/** Which balance column a transfer moves: `pending` for a hold, `posted` otherwise. */
export type BalanceColumn = 'pending' | 'posted';

/**
 * The statements on `accounts`. Limits are conditional updates: they return how many rows changed,
 * and the caller decides what a 0 means.
 */
@Injectable()
export class AccountsRepository {
  async idOf(tx: EntityManager, spec: AccountSpec): Promise<string | null> {
    const rows: Array<Pick<AccountRow, 'id'>> = await tx.query(
      `SELECT id FROM accounts WHERE ${ACCOUNT_KEY}`,
      keyOf(spec),
    );
    return rows[0]?.id ?? null;
  }

  /** Inserts accounts unless their key exists already (get-or-create). */
  async insertMissing(
    tx: EntityManager,
    accounts: Array<AccountSpec & { id: string; flags: number }>,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO accounts (${ACCOUNT_KEY_COLUMNS}) VALUES ${accounts.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}
       ON DUPLICATE KEY UPDATE id = id`,
      accounts.flatMap((a) => [a.id, ...keyOf(a), a.flags]),
    );
  }

  /** Points wallets of these users: `[ownerId, accountId]`. */
  async walletIds(tx: EntityManager, userIds: string[]): Promise<Array<[string, string]>> {
    const rows: Array<Pick<AccountRow, 'id' | 'owner_id'>> = await tx.query(
      `SELECT id, owner_id FROM accounts WHERE ledger = 'POINTS' AND kind = 'wallet' AND owner_type = 'user' AND sub = '' AND owner_id IN (?)`,
      [userIds],
    );
    return rows.map((r) => [r.owner_id, r.id]);
  }

  /** Accounts of one kind of these owners (no sub-account): `[ownerId, accountId]`. */
  async idsOfOwners(
    tx: EntityManager,
    kind: AccountKind,
    ownerType: OwnerType,
    ownerIds: string[],
  ): Promise<Array<[string, string]>> {
    const rows: Array<Pick<AccountRow, 'id' | 'owner_id'>> = await tx.query(
      `SELECT id, owner_id FROM accounts WHERE ledger = 'POINTS' AND kind = ? AND owner_type = ? AND sub = '' AND owner_id IN (?)`,
      [kind, ownerType, ownerIds],
    );
    return rows.map((r) => [r.owner_id, r.id]);
  }

  /** Locks these accounts in id order (the lock order of every batch) and returns their rows. */
  lockByIds(tx: EntityManager, ids: string[]): Promise<AccountRow[]> {
    return tx.query(`SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE id IN (?) ORDER BY id FOR UPDATE`, [
      [...ids].sort(),
    ]);
  }

  /**
   * Moves `amount` into `debits_<col>`/`credits_<col>` of many accounts in one statement, each under
   * the condition of its limit flag (as {@link debit} and {@link credit}); returns the rows changed,
   * so a caller that expected every account to pass compares with the count.
   */
  async moveMany(
    tx: EntityManager,
    side: 'debits' | 'credits',
    col: BalanceColumn,
    amounts: Array<[string, number]>,
  ): Promise<number> {
    const flagged = side === 'debits' ? 'flags & 1 = 0' : 'flags & 2 = 0';
    const room =
      side === 'debits'
        ? 'credits_posted - debits_posted - debits_pending'
        : 'debits_posted - credits_posted - credits_pending';
    const cases = `CASE id ${amounts.map(() => 'WHEN ? THEN ?').join(' ')} END`;
    const pairs = amounts.flatMap(([id, amount]) => [id, amount]);
    return affectedRows(
      await tx.query(
        `UPDATE accounts SET ${side}_${col} = ${side}_${col} + ${cases}
          WHERE id IN (?) AND (${flagged} OR ${room} >= ${cases})`,
        [...pairs, amounts.map(([id]) => id), ...pairs],
      ),
    );
  }

  async ledgersOf(tx: EntityManager, ids: string[]): Promise<Array<Pick<AccountRow, 'id' | 'ledger'>>> {
    return tx.query('SELECT id, ledger FROM accounts WHERE id IN (?)', [ids]);
  }

  async byId(tx: EntityManager, id: string): Promise<AccountRow | null> {
    const rows: AccountRow[] = await tx.query(`SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE id = ?`, [id]);
    return rows[0] ?? null;
  }

  /** Locks these accounts (FOR UPDATE, in id order: the lock order) and returns their rows. */
  async lockMany(tx: EntityManager, ids: string[]): Promise<AccountRow[]> {
    if (!ids.length) return [];
    return tx.query(`SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE id IN (?) ORDER BY id FOR UPDATE`, [
      [...new Set(ids)].sort(),
    ]);
  }

  /** Debits an account unless that would take a limited one below zero (`exempt` skips the limit). */
  async debit(
    tx: EntityManager,
    id: string,
    col: BalanceColumn,
    amount: number,
    exempt: boolean,
  ): Promise<number> {
    return affectedRows(
      await tx.query(
        `UPDATE accounts SET debits_${col} = debits_${col} + ?
          WHERE id = ? AND (? OR flags & 1 = 0 OR credits_posted - debits_posted - debits_pending >= ?)`,
        [amount, id, exempt ? 1 : 0, amount],
      ),
    );
  }

  /**
   * Locks an account if its posted balance (credits − debits) plus `amount` stays within `cap`: a
   * conditional no-op update, so the check and the row lock are one statement and every later credit
   * of the transaction sees no concurrent one. Returns the rows matched (0: the cap would be passed).
   */
  async lockWithinCap(tx: EntityManager, id: string, amount: number, cap: number): Promise<number> {
    return affectedRows(
      await tx.query('UPDATE accounts SET id = id WHERE id = ? AND credits_posted - debits_posted + ? <= ?', [
        id,
        amount,
        cap,
      ]),
    );
  }

  /** Credits an account unless its credits may not exceed its debits and would. */
  async credit(tx: EntityManager, id: string, col: BalanceColumn, amount: number): Promise<number> {
    return affectedRows(
      await tx.query(
        `UPDATE accounts SET credits_${col} = credits_${col} + ?
          WHERE id = ? AND (flags & 2 = 0 OR debits_posted - credits_posted - credits_pending >= ?)`,
        [amount, id, amount],
      ),
    );
  }

  /** Posts credits to many unlimited accounts in one statement; returns the rows changed. */
  async creditPostedMany(tx: EntityManager, credits: Array<[string, number]>): Promise<number> {
    return affectedRows(
      await tx.query(
        `UPDATE accounts SET credits_posted = credits_posted + CASE id ${credits.map(() => 'WHEN ? THEN ?').join(' ')} END
          WHERE id IN (?) AND flags & 2 = 0`,
        [...credits.flatMap(([id, amount]) => [id, amount]), credits.map(([id]) => id)],
      ),
    );
  }

  /** Resolves a hold on the debit side: the pending amount leaves, `posted` of it is posted. */
  async settleDebit(tx: EntityManager, id: string, pending: number, posted: number): Promise<void> {
    await tx.query(
      'UPDATE accounts SET debits_pending = debits_pending - ?, debits_posted = debits_posted + ? WHERE id = ?',
      [pending, posted, id],
    );
  }

  /**
   * Resolves holds on the debit side of many accounts in one statement: per account the pending sum
   * leaves and the posted sum is posted (`[accountId, pending, posted]`); returns the rows changed.
   */
  async settleDebitMany(tx: EntityManager, settles: Array<[string, number, number]>): Promise<number> {
    const cases = settles.map(() => 'WHEN ? THEN ?').join(' ');
    return affectedRows(
      await tx.query(
        `UPDATE accounts SET debits_pending = debits_pending - CASE id ${cases} END,
            debits_posted = debits_posted + CASE id ${cases} END
          WHERE id IN (?)`,
        [
          ...settles.flatMap(([id, pending]) => [id, pending]),
          ...settles.flatMap(([id, , posted]) => [id, posted]),
          settles.map(([id]) => id),
        ],
      ),
    );
  }

  /** Resolves a hold on the credit side: the pending amount leaves, `posted` of it is posted. */
  async settleCredit(tx: EntityManager, id: string, pending: number, posted: number): Promise<void> {
    await tx.query(
      'UPDATE accounts SET credits_pending = credits_pending - ?, credits_posted = credits_posted + ? WHERE id = ?',
      [pending, posted, id],
    );
  }
}
