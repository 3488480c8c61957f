import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '../common/domain-error';
import { newId } from '../common/ids';
import { affectedRows, isDuplicateKey } from '../database/transaction.service';
import {
  AccountKind,
  AccountSpec,
  Balances,
  FLAG_DEBITS_MUST_NOT_EXCEED_CREDITS,
  LedgerName,
  Transfer,
  TransferInput,
} from './ledger.types';

interface TransferRow {
  id: string;
  ledger: LedgerName;
  debit_account_id: string;
  credit_account_id: string;
  amount: string | number;
  phase: Transfer['phase'];
  pending_id: string | null;
  code: string;
  ref_type: string | null;
  ref_id: string | null;
  exempt: number | boolean;
  created_at: Date;
}

const TRANSFER_COLUMNS =
  'id, ledger, debit_account_id, credit_account_id, amount, phase, pending_id, code, ref_type, ref_id, exempt, created_at';

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

const NOTHING = async (): Promise<void> => undefined;

/** Kinds whose owners' balances may never be spent below zero. */
const DEFAULT_FLAGS: Partial<Record<AccountKind, number>> = {
  wallet: FLAG_DEBITS_MUST_NOT_EXCEED_CREDITS,
  community_fund: FLAG_DEBITS_MUST_NOT_EXCEED_CREDITS,
  inventory: FLAG_DEBITS_MUST_NOT_EXCEED_CREDITS,
};

/**
 * The only code that writes `accounts` and `transfers`. Every method takes the caller's
 * EntityManager: it runs inside the caller's transaction, so a business change and its ledger
 * transfer commit or roll back together. Limits are conditional updates, never read-then-write.
 */
@Injectable()
export class LedgerService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** A deterministic UUID-shaped id from parts: the same business event always maps to one transfer id. */
  deriveId(...parts: Array<string | number>): string {
    const h = createHash('sha256').update(parts.join('\u001f')).digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  /** Gets or creates an account; returns its id. */
  async ensureAccount(em: EntityManager, spec: AccountSpec): Promise<string> {
    const sub = spec.sub ?? '';
    const find = async () => {
      const rows: Array<{ id: string }> = await em.query(
        'SELECT id FROM accounts WHERE ledger = ? AND kind = ? AND owner_type = ? AND owner_id = ? AND sub = ?',
        [spec.ledger, spec.kind, spec.ownerType, spec.ownerId, sub],
      );
      return rows[0]?.id;
    };
    const existing = await find();
    if (existing) return existing;
    const id = newId();
    await em.query(
      `INSERT INTO accounts (id, ledger, kind, owner_type, owner_id, sub, flags) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE id = id`,
      [
        id,
        spec.ledger,
        spec.kind,
        spec.ownerType,
        spec.ownerId,
        sub,
        spec.flags ?? DEFAULT_FLAGS[spec.kind] ?? 0,
      ],
    );
    return (await find())!;
  }

  walletOf(em: EntityManager, userId: string): Promise<string> {
    return this.ensureAccount(em, { ledger: 'POINTS', kind: 'wallet', ownerType: 'user', ownerId: userId });
  }

  /**
   * Points wallets of many users at once (get-or-create): one multi-row insert that skips existing
   * wallets, one select. For bulk work such as base grants.
   */
  async walletsOf(em: EntityManager, userIds: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const unique = [...new Set(userIds)];
    for (let i = 0; i < unique.length; i += 1000) {
      const part = unique.slice(i, i + 1000);
      await em.query(
        `INSERT INTO accounts (id, ledger, kind, owner_type, owner_id, sub, flags)
         VALUES ${part.map(() => "(?, 'POINTS', 'wallet', 'user', ?, '', ?)").join(', ')}
         ON DUPLICATE KEY UPDATE id = id`,
        part.flatMap((u) => [newId(), u, DEFAULT_FLAGS.wallet]),
      );
      const rows: Array<{ id: string; owner_id: string }> = await em.query(
        `SELECT id, owner_id FROM accounts WHERE ledger = 'POINTS' AND kind = 'wallet' AND owner_type = 'user' AND sub = '' AND owner_id IN (?)`,
        [part],
      );
      for (const r of rows) out.set(r.owner_id, r.id);
    }
    return out;
  }

  issuanceOf(em: EntityManager, communityId: string): Promise<string> {
    return this.ensureAccount(em, {
      ledger: 'POINTS',
      kind: 'issuance',
      ownerType: 'region',
      ownerId: communityId,
    });
  }

  deductionSinkOf(em: EntityManager, communityId: string): Promise<string> {
    return this.ensureAccount(em, {
      ledger: 'POINTS',
      kind: 'deduction_sink',
      ownerType: 'region',
      ownerId: communityId,
    });
  }

  expirySinkOf(em: EntityManager, communityId: string): Promise<string> {
    return this.ensureAccount(em, {
      ledger: 'POINTS',
      kind: 'expiry_sink',
      ownerType: 'region',
      ownerId: communityId,
    });
  }

  redemptionOf(em: EntityManager, organizationId: string): Promise<string> {
    return this.ensureAccount(em, {
      ledger: 'POINTS',
      kind: 'redemption',
      ownerType: 'organization',
      ownerId: organizationId,
    });
  }

  /** The account id of an existing account, without creating it. */
  async findAccount(spec: AccountSpec, em?: EntityManager): Promise<string | null> {
    const rows: Array<{ id: string }> = await (em ?? this.dataSource).query(
      'SELECT id FROM accounts WHERE ledger = ? AND kind = ? AND owner_type = ? AND owner_id = ? AND sub = ?',
      [spec.ledger, spec.kind, spec.ownerType, spec.ownerId, spec.sub ?? ''],
    );
    return rows[0]?.id ?? null;
  }

  async getTransfer(id: string, em?: EntityManager): Promise<Transfer | null> {
    const rows: TransferRow[] = await (em ?? this.dataSource).query(
      `SELECT ${TRANSFER_COLUMNS} FROM transfers WHERE id = ?`,
      [id],
    );
    return rows[0] ? toTransfer(rows[0]) : null;
  }

  /** The post or void that resolved a pending transfer, if any. */
  async resolutionOf(pendingId: string, em?: EntityManager): Promise<Transfer | null> {
    const rows: TransferRow[] = await (em ?? this.dataSource).query(
      `SELECT ${TRANSFER_COLUMNS} FROM transfers WHERE pending_id = ?`,
      [pendingId],
    );
    return rows[0] ? toTransfer(rows[0]) : null;
  }

  /** A single-phase or pending transfer. Idempotent by id. */
  async transfer(em: EntityManager, t: TransferInput): Promise<Transfer> {
    const { transfer, creditLater } = await this.transferDeferringCredit(em, t);
    await creditLater();
    return creditLater === NOTHING ? transfer : (await this.getTransfer(t.id, em))!;
  }

  /**
   * Like `transfer`, but leaves the credit side's balance update to the caller, who must run
   * `creditLater()` before the transaction commits. A hot credit account (a provider's redemption
   * account, credited by every order) is then locked only for the last statement of the
   * transaction instead of all of it. The transfer row and the debit are written at once.
   */
  async transferDeferringCredit(
    em: EntityManager,
    t: TransferInput,
  ): Promise<{ transfer: Transfer; creditLater: () => Promise<void> }> {
    this.checkAmount(t.amount, 'amount', 1);
    if (t.exempt && t.pending)
      throw new DomainError('BAD_REQUEST', {}, 'only single-phase transfers may be exempt from limits');
    const phase = t.pending ? 'pending' : 'single';
    const existing = await this.getTransfer(t.id, em);
    if (existing)
      return {
        transfer: this.sameOrConflict(existing, { ...t, phase, pendingId: null }),
        creditLater: NOTHING,
      };
    const ledger = await this.ledgerOf(em, t.debitAccountId, t.creditAccountId);
    try {
      await em.query(
        `INSERT INTO transfers (id, ledger, debit_account_id, credit_account_id, amount, phase, pending_id, code, ref_type, ref_id, exempt, created_at)
         VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, CURRENT_TIMESTAMP(3))`,
        [
          t.id,
          ledger,
          t.debitAccountId,
          t.creditAccountId,
          t.amount,
          phase,
          t.code,
          t.refType ?? null,
          t.refId ?? null,
          t.exempt ? 1 : 0,
        ],
      );
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      // The same id committed by a concurrent request meanwhile.
      return {
        transfer: this.sameOrConflict((await this.getTransfer(t.id, em))!, { ...t, phase, pendingId: null }),
        creditLater: NOTHING,
      };
    }
    const col = t.pending ? 'pending' : 'posted';
    const debited = affectedRows(
      await em.query(
        `UPDATE accounts SET debits_${col} = debits_${col} + ?
          WHERE id = ? AND (? OR flags & 1 = 0 OR credits_posted - debits_posted - debits_pending >= ?)`,
        [t.amount, t.debitAccountId, t.exempt ? 1 : 0, t.amount],
      ),
    );
    if (!debited) throw this.insufficient(ledger, t.debitAccountId, t.amount);
    const transfer: Transfer = {
      id: t.id,
      ledger,
      debitAccountId: t.debitAccountId,
      creditAccountId: t.creditAccountId,
      amount: t.amount,
      phase,
      pendingId: null,
      code: t.code,
      refType: t.refType ?? null,
      refId: t.refId ?? null,
      exempt: !!t.exempt,
      createdAt: new Date(),
    };
    const creditLater = async () => {
      const credited = affectedRows(
        await em.query(
          `UPDATE accounts SET credits_${col} = credits_${col} + ?
            WHERE id = ? AND (flags & 2 = 0 OR debits_posted - credits_posted - credits_pending >= ?)`,
          [t.amount, t.creditAccountId, t.amount],
        ),
      );
      if (!credited)
        throw new DomainError(
          'CONFLICT',
          { accountId: t.creditAccountId },
          'credits would exceed debits on the credit account',
        );
    };
    return { transfer, creditLater };
  }

  /**
   * Many single-phase transfers in one statement each for rows and balances (base grants). Ids
   * already recorded are skipped, so a retried batch applies only what is missing. A concurrent
   * batch with the same ids makes the insert fail with a duplicate key: run the batch inside a
   * unit of work that is retried, or serialise it (the callers lock their run first).
   * Returns the transfers that this call recorded.
   */
  async transferBatch(em: EntityManager, items: TransferInput[]): Promise<string[]> {
    if (!items.length) return [];
    for (const t of items) {
      this.checkAmount(t.amount, 'amount', 1);
      if (t.pending) throw new DomainError('BAD_REQUEST', {}, 'transferBatch takes single-phase transfers');
    }
    const existing = new Set<string>(
      (await em.query('SELECT id FROM transfers WHERE id IN (?)', [items.map((t) => t.id)])).map(
        (r: { id: string }) => r.id,
      ),
    );
    const fresh = items.filter((t) => !existing.has(t.id));
    if (!fresh.length) return [];
    const accountIds = [...new Set(fresh.flatMap((t) => [t.debitAccountId, t.creditAccountId]))];
    const ledgers: Array<{ id: string; ledger: LedgerName }> = await em.query(
      'SELECT id, ledger FROM accounts WHERE id IN (?)',
      [accountIds],
    );
    const ledgerOf = new Map(ledgers.map((a) => [a.id, a.ledger]));
    for (const t of fresh) {
      const l = ledgerOf.get(t.debitAccountId);
      if (!l || l !== ledgerOf.get(t.creditAccountId) || t.debitAccountId === t.creditAccountId) {
        throw new DomainError(
          'BAD_REQUEST',
          { transferId: t.id },
          'a transfer joins two different accounts of one ledger',
        );
      }
    }
    await em.query(
      `INSERT INTO transfers (id, ledger, debit_account_id, credit_account_id, amount, phase, pending_id, code, ref_type, ref_id, exempt, created_at)
       VALUES ${fresh.map(() => "(?, ?, ?, ?, ?, 'single', NULL, ?, ?, ?, ?, CURRENT_TIMESTAMP(3))").join(', ')}`,
      fresh.flatMap((t) => [
        t.id,
        ledgerOf.get(t.debitAccountId),
        t.debitAccountId,
        t.creditAccountId,
        t.amount,
        t.code,
        t.refType ?? null,
        t.refId ?? null,
        t.exempt ? 1 : 0,
      ]),
    );
    const sum = (key: 'debitAccountId' | 'creditAccountId') => {
      const m = new Map<string, { amount: number; exempt: boolean }>();
      for (const t of fresh) {
        const e = m.get(t[key]) ?? { amount: 0, exempt: true };
        m.set(t[key], { amount: e.amount + t.amount, exempt: e.exempt && !!t.exempt });
      }
      return m;
    };
    for (const [id, { amount, exempt }] of sum('debitAccountId')) {
      const ok = affectedRows(
        await em.query(
          `UPDATE accounts SET debits_posted = debits_posted + ?
            WHERE id = ? AND (? OR flags & 1 = 0 OR credits_posted - debits_posted - debits_pending >= ?)`,
          [amount, id, exempt ? 1 : 0, amount],
        ),
      );
      if (!ok) throw this.insufficient(ledgerOf.get(id)!, id, amount);
    }
    const credits = [...sum('creditAccountId')];
    for (let i = 0; i < credits.length; i += 1000) {
      const chunk = credits.slice(i, i + 1000);
      const n = affectedRows(
        await em.query(
          `UPDATE accounts SET credits_posted = credits_posted + CASE id ${chunk.map(() => 'WHEN ? THEN ?').join(' ')} END
            WHERE id IN (?) AND flags & 2 = 0`,
          [...chunk.flatMap(([id, v]) => [id, v.amount]), chunk.map(([id]) => id)],
        ),
      );
      if (n !== chunk.length)
        throw new DomainError('CONFLICT', {}, 'a credit account of the batch is limited; use transfer()');
    }
    return fresh.map((t) => t.id);
  }

  /** Posts (captures) a pending transfer, in full or in part; the rest goes back to the debit account. */
  async post(
    em: EntityManager,
    p: { id: string; pendingId: string; amount?: number; code?: string; refType?: string; refId?: string },
  ): Promise<Transfer> {
    return this.resolve(em, 'post', p);
  }

  /** Voids a pending transfer: the whole amount goes back. */
  async void(
    em: EntityManager,
    p: { id: string; pendingId: string; code?: string; refType?: string; refId?: string },
  ): Promise<Transfer> {
    return this.resolve(em, 'void', p);
  }

  /**
   * Like `post`, but leaves the credit side's balance update (the provider's redemption account) to
   * the caller, who must run `creditLater()` before the commit (redemption/capture.service.ts).
   */
  postDeferringCredit(
    em: EntityManager,
    p: { id: string; pendingId: string; amount?: number; code?: string; refType?: string; refId?: string },
  ): Promise<{ transfer: Transfer; creditLater: () => Promise<void> }> {
    return this.resolveDeferringCredit(em, 'post', p);
  }

  /**
   * Like `void`, but leaves the credit side's balance update (the provider's redemption account, a
   * row every order of that provider touches) to the caller, who must run `creditLater()` before the
   * commit: the lock order of the order path takes that row last (orders.service.ts `release`).
   */
  voidDeferringCredit(
    em: EntityManager,
    p: { id: string; pendingId: string; code?: string; refType?: string; refId?: string },
  ): Promise<{ transfer: Transfer; creditLater: () => Promise<void> }> {
    return this.resolveDeferringCredit(em, 'void', p);
  }

  /**
   * Voids many pending transfers in one transaction, their debit accounts in the given order (sort
   * them: the lock order), and leaves the credit side to `creditLater()`: one update per credit
   * account with the sum of its voids, in account id order (a provider's redemption account is
   * touched once per batch, as the last statements before the commit).
   */
  async voidManyDeferringCredit(
    em: EntityManager,
    items: Array<{ id: string; pendingId: string; code?: string; refType?: string; refId?: string }>,
  ): Promise<{ transfers: Transfer[]; creditLater: () => Promise<void> }> {
    const transfers: Transfer[] = [];
    const credits = new Map<string, number>();
    for (const item of items) {
      const { transfer, creditLater } = await this.resolveDeferringCredit(em, 'void', item);
      transfers.push(transfer);
      if (creditLater !== NOTHING)
        credits.set(transfer.creditAccountId, (credits.get(transfer.creditAccountId) ?? 0) + transfer.amount);
    }
    const creditLater = async () => {
      for (const [accountId, amount] of [...credits].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        await em.query('UPDATE accounts SET credits_pending = credits_pending - ? WHERE id = ?', [
          amount,
          accountId,
        ]);
    };
    return { transfers, creditLater };
  }

  private async resolve(
    em: EntityManager,
    phase: 'post' | 'void',
    p: { id: string; pendingId: string; amount?: number; code?: string; refType?: string; refId?: string },
  ): Promise<Transfer> {
    const { transfer, creditLater } = await this.resolveDeferringCredit(em, phase, p);
    if (creditLater === NOTHING) return transfer;
    await creditLater();
    return (await this.getTransfer(p.id, em))!;
  }

  private async resolveDeferringCredit(
    em: EntityManager,
    phase: 'post' | 'void',
    p: { id: string; pendingId: string; amount?: number; code?: string; refType?: string; refId?: string },
  ): Promise<{ transfer: Transfer; creditLater: () => Promise<void> }> {
    const existing = await this.getTransfer(p.id, em);
    if (existing) {
      if (
        existing.phase !== phase ||
        existing.pendingId !== p.pendingId ||
        (p.amount !== undefined && existing.amount !== p.amount)
      ) {
        throw new DomainError(
          'TRANSFER_EXISTS_WITH_DIFFERENT_FIELDS',
          { transferId: p.id },
          'a transfer with this id exists with other fields',
        );
      }
      return { transfer: existing, creditLater: NOTHING };
    }
    // Lock the pending transfer: resolutions of one hold are serialised here.
    const rows: TransferRow[] = await em.query(
      `SELECT ${TRANSFER_COLUMNS} FROM transfers WHERE id = ? FOR UPDATE`,
      [p.pendingId],
    );
    const pending = rows[0] ? toTransfer(rows[0]) : null;
    if (!pending || pending.phase !== 'pending')
      throw new DomainError('NOT_FOUND', { pendingId: p.pendingId }, 'no such pending transfer');
    const prior = await this.resolutionOf(p.pendingId, em);
    if (prior) {
      throw new DomainError(
        'PENDING_TRANSFER_ALREADY_RESOLVED',
        { pendingId: p.pendingId, resolvedBy: prior.id, phase: prior.phase },
        `the hold was already ${prior.phase === 'post' ? 'posted' : 'voided'}`,
      );
    }
    const amount = phase === 'void' ? pending.amount : (p.amount ?? pending.amount);
    if (phase === 'post') this.checkAmount(amount, 'amount', 0);
    if (amount > pending.amount) {
      throw new DomainError(
        'VALIDATION_FAILED',
        { fields: [{ field: 'amount', problems: [`at most the pending ${pending.amount}`] }] },
        'amount exceeds the pending amount',
      );
    }
    try {
      await em.query(
        `INSERT INTO transfers (id, ledger, debit_account_id, credit_account_id, amount, phase, pending_id, code, ref_type, ref_id, exempt, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, CURRENT_TIMESTAMP(3))`,
        [
          p.id,
          pending.ledger,
          pending.debitAccountId,
          pending.creditAccountId,
          amount,
          phase,
          pending.id,
          p.code ?? pending.code,
          p.refType ?? pending.refType,
          p.refId ?? pending.refId,
        ],
      );
    } catch (err) {
      if (isDuplicateKey(err))
        throw new DomainError(
          'PENDING_TRANSFER_ALREADY_RESOLVED',
          { pendingId: p.pendingId },
          'the hold was already resolved',
        );
      throw err;
    }
    const posted = phase === 'post' ? amount : 0;
    await em.query(
      'UPDATE accounts SET debits_pending = debits_pending - ?, debits_posted = debits_posted + ? WHERE id = ?',
      [pending.amount, posted, pending.debitAccountId],
    );
    const transfer: Transfer = {
      ...pending,
      id: p.id,
      amount,
      phase,
      pendingId: pending.id,
      code: p.code ?? pending.code,
      refType: p.refType ?? pending.refType,
      refId: p.refId ?? pending.refId,
      exempt: false,
      createdAt: new Date(),
    };
    const creditLater = async () => {
      await em.query(
        'UPDATE accounts SET credits_pending = credits_pending - ?, credits_posted = credits_posted + ? WHERE id = ?',
        [pending.amount, posted, pending.creditAccountId],
      );
    };
    return { transfer, creditLater };
  }

  async balances(accountId: string | null, em?: EntityManager): Promise<Balances> {
    if (!accountId)
      return { accountId: null, debitsPending: 0, debitsPosted: 0, creditsPending: 0, creditsPosted: 0 };
    const rows = await (em ?? this.dataSource).query(
      'SELECT debits_pending, debits_posted, credits_pending, credits_posted FROM accounts WHERE id = ?',
      [accountId],
    );
    const r = rows[0] ?? {};
    return {
      accountId,
      debitsPending: Number(r.debits_pending ?? 0),
      debitsPosted: Number(r.debits_posted ?? 0),
      creditsPending: Number(r.credits_pending ?? 0),
      creditsPosted: Number(r.credits_posted ?? 0),
    };
  }

  /** A resident's points: `available` can be spent, `held` is pending for orders, `balance = available + held`. */
  async walletBalance(
    userId: string,
    em?: EntityManager,
  ): Promise<{ available: number; held: number; balance: number }> {
    const id = await this.findAccount(
      { ledger: 'POINTS', kind: 'wallet', ownerType: 'user', ownerId: userId },
      em,
    );
    const b = await this.balances(id, em);
    const balance = b.creditsPosted - b.debitsPosted;
    return { available: balance - b.debitsPending, held: b.debitsPending, balance };
  }

  private async ledgerOf(em: EntityManager, debitId: string, creditId: string): Promise<LedgerName> {
    if (debitId === creditId)
      throw new DomainError('BAD_REQUEST', {}, 'debit and credit accounts must differ');
    const rows: Array<{ id: string; ledger: LedgerName }> = await em.query(
      'SELECT id, ledger FROM accounts WHERE id IN (?, ?)',
      [debitId, creditId],
    );
    if (rows.length !== 2) throw new DomainError('NOT_FOUND', { debitId, creditId }, 'account not found');
    if (rows[0].ledger !== rows[1].ledger)
      throw new DomainError('BAD_REQUEST', {}, 'transfers stay within one ledger');
    return rows[0].ledger;
  }

  private sameOrConflict(
    existing: Transfer,
    t: TransferInput & { phase: Transfer['phase']; pendingId: string | null },
  ): Transfer {
    const same =
      existing.debitAccountId === t.debitAccountId &&
      existing.creditAccountId === t.creditAccountId &&
      existing.amount === t.amount &&
      existing.phase === t.phase &&
      existing.code === t.code &&
      (existing.refType ?? null) === (t.refType ?? null) &&
      (existing.refId ?? null) === (t.refId ?? null);
    if (!same)
      throw new DomainError(
        'TRANSFER_EXISTS_WITH_DIFFERENT_FIELDS',
        { transferId: t.id },
        'a transfer with this id exists with other fields',
      );
    return existing;
  }

  private checkAmount(amount: number, field: string, min: number): void {
    if (!Number.isSafeInteger(amount) || amount < min) {
      throw new DomainError(
        'VALIDATION_FAILED',
        { fields: [{ field, problems: [`must be an integer >= ${min}`] }] },
        `${field}: must be an integer >= ${min}`,
      );
    }
  }

  private insufficient(ledger: LedgerName, accountId: string, amount: number): DomainError {
    return ledger === 'POINTS'
      ? new DomainError('INSUFFICIENT_POINTS', { accountId, requested: amount }, 'not enough points')
      : new DomainError('INSUFFICIENT_FUNDS', { accountId, requested: amount }, 'not enough funds');
  }
}
