import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { conflict, refuse } from '../common/errors';
import { newId } from '../common/ids';
import { isDuplicateKey } from '../database/transaction.service';
import { AccountsRepository, toBalances } from './accounts.repository';
import {
  checkAmount,
  DEFAULT_FLAGS,
  existsWithOtherFields,
  insufficient,
  newTransfer,
  pointsAccount,
  sameOrConflict,
  sumBy,
  timeIssuanceSpec,
  timeWalletSpec,
  walletSpec,
} from './ledger-rules';
import { AccountSpec, Balances, LedgerName, Transfer, TransferInput } from './ledger.types';
import { NewTransfer, TransfersRepository } from './transfers.repository';

export { toTransfer } from './transfers.repository';

const NOTHING = async (): Promise<void> => undefined;

/** How a pending transfer is resolved: by id, optionally in part (post) and with its own labels. */
export interface Resolution {
  id: string;
  pendingId: string;
  amount?: number;
  code?: string;
  refType?: string;
  refId?: string;
}

type Deferred<T> = T & { creditLater: () => Promise<void> };

/**
 * The only code that writes `accounts` and `transfers` (through their repositories), and the
 * double-entry rules. Every writing method takes the caller's EntityManager first: it runs inside
 * the caller's transaction, so a business change and its ledger transfer commit or roll back
 * together. Limits are conditional updates, never read-then-write.
 */
@Injectable()
export class LedgerService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly accounts: AccountsRepository,
    private readonly transfers: TransfersRepository,
  ) {}

  /** A deterministic UUID-shaped id from parts: the same business event always maps to one transfer id. */
  deriveId(...parts: Array<string | number>): string {
    const h = createHash('sha256').update(parts.join('\u001f')).digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  /** Gets or creates an account; returns its id. */
  async ensureAccount(tx: EntityManager, spec: AccountSpec): Promise<string> {
    const existing = await this.accounts.idOf(tx, spec);
    if (existing) return existing;
    await this.accounts.insertMissing(tx, [
      { ...spec, sub: spec.sub ?? '', id: newId(), flags: spec.flags ?? DEFAULT_FLAGS[spec.kind] ?? 0 },
    ]);
    return (await this.accounts.idOf(tx, spec))!;
  }

  walletOf(tx: EntityManager, userId: string): Promise<string> {
    return this.ensureAccount(tx, walletSpec(userId));
  }

  /**
   * Points wallets of many users at once (get-or-create): one multi-row insert that skips existing
   * wallets, one select. For bulk work such as base grants.
   */
  async walletsOf(tx: EntityManager, userIds: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const unique = [...new Set(userIds)];
    for (let i = 0; i < unique.length; i += 1000) {
      const part = unique.slice(i, i + 1000);
      await this.accounts.insertMissing(
        tx,
        part.map((u) => ({ ...walletSpec(u), sub: '', id: newId(), flags: DEFAULT_FLAGS.wallet! })),
      );
      for (const [owner, id] of await this.accounts.walletIds(tx, part)) out.set(owner, id);
    }
    return out;
  }

  issuanceOf(tx: EntityManager, communityId: string): Promise<string> {
    return this.ensureAccount(tx, pointsAccount('issuance', 'region', communityId));
  }

  deductionSinkOf(tx: EntityManager, communityId: string): Promise<string> {
    return this.ensureAccount(tx, pointsAccount('deduction_sink', 'region', communityId));
  }

  expirySinkOf(tx: EntityManager, communityId: string): Promise<string> {
    return this.ensureAccount(tx, pointsAccount('expiry_sink', 'region', communityId));
  }

  redemptionOf(tx: EntityManager, organizationId: string): Promise<string> {
    return this.ensureAccount(tx, pointsAccount('redemption', 'organization', organizationId));
  }

  /** A resident's time wallet (TIME_MINUTES), created on first use. */
  timeWalletOf(tx: EntityManager, userId: string): Promise<string> {
    return this.ensureAccount(tx, timeWalletSpec(userId));
  }

  /** The account a community issues minutes of help from (TIME_MINUTES). */
  timeIssuanceOf(tx: EntityManager, communityId: string): Promise<string> {
    return this.ensureAccount(tx, timeIssuanceSpec(communityId));
  }

  /**
   * Locks an account for a credit of `amount` if its posted balance stays within `cap` afterwards
   * (a stored-time wallet's cap); false when it would not. Call it before the credit, in its
   * transaction: the lock keeps concurrent credits of the account behind this one.
   */
  async lockWithinCap(tx: EntityManager, accountId: string, amount: number, cap: number): Promise<boolean> {
    return (await this.accounts.lockWithinCap(tx, accountId, amount, cap)) === 1;
  }

  /** A provider's CNY_FEN settlement account: what paying communities' funds moved to it (通兑). */
  providerPayableOf(tx: EntityManager, organizationId: string): Promise<string> {
    return this.ensureAccount(tx, {
      ...pointsAccount('provider_payable', 'organization', organizationId),
      ledger: 'CNY_FEN',
    });
  }

  /** Locks accounts (FOR UPDATE, id order) until the commit; their balances by id (expiry, settlement). */
  async lockBalancesIn(tx: EntityManager, accountIds: string[]): Promise<Map<string, Balances>> {
    return new Map((await this.accounts.lockMany(tx, accountIds)).map((r) => [r.id, toBalances(r.id, r)]));
  }

  // ---- Reads: `…In(tx, …)` inside a unit of work, the plain name on the pool -----------------------

  /** The account id of an existing account, without creating it. */
  accountIn(tx: EntityManager, spec: AccountSpec): Promise<string | null> {
    return this.accounts.idOf(tx, spec);
  }

  transferIn(tx: EntityManager, id: string): Promise<Transfer | null> {
    return this.transfers.byId(tx, id);
  }

  /** A transfer, on the pool. */
  getTransfer(id: string): Promise<Transfer | null> {
    return this.transfers.byId(this.dataSource.manager, id);
  }

  /** The debit account (a wallet, for holds) of each of these transfers, by transfer id. */
  debitAccountsIn(tx: EntityManager, transferIds: string[]): Promise<Map<string, string>> {
    return this.transfers.debitAccounts(tx, transferIds);
  }

  async balancesIn(tx: EntityManager, accountId: string | null): Promise<Balances> {
    return toBalances(accountId, accountId ? await this.accounts.byId(tx, accountId) : null);
  }

  /** An account's balances, on the pool. */
  balances(accountId: string | null): Promise<Balances> {
    return this.balancesIn(this.dataSource.manager, accountId);
  }

  /** A resident's points: `available` can be spent, `held` is pending for orders, `balance = available + held`. */
  async walletBalanceIn(
    tx: EntityManager,
    userId: string,
  ): Promise<{ available: number; held: number; balance: number }> {
    const b = await this.balancesIn(tx, await this.accounts.idOf(tx, walletSpec(userId)));
    const balance = b.creditsPosted - b.debitsPosted;
    return { available: balance - b.debitsPending, held: b.debitsPending, balance };
  }

  /** A resident's stored minutes, as `walletBalanceIn` counts points; zeros without a time wallet. */
  async timeBalanceIn(
    tx: EntityManager,
    userId: string,
  ): Promise<{ available: number; held: number; balance: number }> {
    const b = await this.balancesIn(tx, await this.accounts.idOf(tx, timeWalletSpec(userId)));
    const balance = b.creditsPosted - b.debitsPosted;
    return { available: balance - b.debitsPending, held: b.debitsPending, balance };
  }

  /** A resident's points, on the pool. */
  walletBalance(userId: string): Promise<{ available: number; held: number; balance: number }> {
    return this.walletBalanceIn(this.dataSource.manager, userId);
  }

  // ---- Transfers -----------------------------------------------------------------------------------

  /** A single-phase or pending transfer. Idempotent by id. */
  async transfer(tx: EntityManager, t: TransferInput): Promise<Transfer> {
    const { transfer, creditLater } = await this.transferDeferringCredit(tx, t);
    await creditLater();
    return creditLater === NOTHING ? transfer : (await this.transfers.byId(tx, t.id))!;
  }

  /**
   * Like `transfer`, but leaves the credit side's balance update to the caller, who must run
   * `creditLater()` before the transaction commits. A hot credit account (a provider's redemption
   * account, credited by every order) is then locked only for the last statement of the
   * transaction instead of all of it. The transfer row and the debit are written at once.
   */
  async transferDeferringCredit(
    tx: EntityManager,
    t: TransferInput,
  ): Promise<Deferred<{ transfer: Transfer }>> {
    checkAmount(t.amount, 'amount', 1);
    if (t.exempt && t.pending)
      throw refuse('BAD_REQUEST', {}, 'only single-phase transfers may be exempt from limits');
    const phase = t.pending ? 'pending' : 'single';
    const existing = await this.transfers.byId(tx, t.id);
    if (existing) return { transfer: sameOrConflict(existing, { ...t, phase }), creditLater: NOTHING };
    const row = newTransfer(t, await this.ledgerOf(tx, t.debitAccountId, t.creditAccountId));
    try {
      await this.transfers.insert(tx, [row]);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      // The same id committed by a concurrent request meanwhile.
      const raced = (await this.transfers.byId(tx, t.id))!;
      return { transfer: sameOrConflict(raced, { ...t, phase }), creditLater: NOTHING };
    }
    const col = t.pending ? 'pending' : 'posted';
    if (!(await this.accounts.debit(tx, t.debitAccountId, col, t.amount, !!t.exempt)))
      throw insufficient(row.ledger, t.debitAccountId, t.amount);
    const creditLater = async () => {
      if (!(await this.accounts.credit(tx, t.creditAccountId, col, t.amount)))
        throw conflict('credits would exceed debits on the credit account', { accountId: t.creditAccountId });
    };
    return { transfer: { ...row, createdAt: new Date() }, creditLater };
  }

  /**
   * Many single-phase transfers in one statement each for rows and balances (base grants). Ids
   * already recorded are skipped, so a retried batch applies only what is missing. A concurrent
   * batch with the same ids makes the insert fail with a duplicate key: run the batch inside a
   * unit of work that is retried, or serialise it (the callers lock their run first).
   * Returns the transfers that this call recorded.
   */
  async transferBatch(tx: EntityManager, items: TransferInput[]): Promise<string[]> {
    if (!items.length) return [];
    for (const t of items) {
      checkAmount(t.amount, 'amount', 1);
      if (t.pending) throw refuse('BAD_REQUEST', {}, 'transferBatch takes single-phase transfers');
    }
    const existing = await this.transfers.existingIds(
      tx,
      items.map((t) => t.id),
    );
    const fresh = items.filter((t) => !existing.has(t.id));
    if (!fresh.length) return [];
    const accountIds = [...new Set(fresh.flatMap((t) => [t.debitAccountId, t.creditAccountId]))];
    const ledgerOf = new Map((await this.accounts.ledgersOf(tx, accountIds)).map((a) => [a.id, a.ledger]));
    const rows: NewTransfer[] = fresh.map((t) => {
      const l = ledgerOf.get(t.debitAccountId);
      if (!l || l !== ledgerOf.get(t.creditAccountId) || t.debitAccountId === t.creditAccountId)
        throw refuse(
          'BAD_REQUEST',
          { transferId: t.id },
          'a transfer joins two different accounts of one ledger',
        );
      return newTransfer(t, l);
    });
    await this.transfers.insert(tx, rows);
    for (const [id, { amount, exempt }] of sumBy(fresh, 'debitAccountId')) {
      if (!(await this.accounts.debit(tx, id, 'posted', amount, exempt)))
        throw insufficient(ledgerOf.get(id)!, id, amount);
    }
    const credits = [...sumBy(fresh, 'creditAccountId')].map(([id, v]): [string, number] => [id, v.amount]);
    for (let i = 0; i < credits.length; i += 1000) {
      const chunk = credits.slice(i, i + 1000);
      if ((await this.accounts.creditPostedMany(tx, chunk)) !== chunk.length)
        throw conflict('a credit account of the batch is limited; use transfer()');
    }
    return fresh.map((t) => t.id);
  }

  // ---- Resolving pending transfers ----------------------------------------------------------------

  /** Posts (captures) a pending transfer, in full or in part; the rest goes back to the debit account. */
  post(tx: EntityManager, p: Resolution): Promise<Transfer> {
    return this.resolve(tx, 'post', p);
  }

  /** Voids a pending transfer: the whole amount goes back. */
  void(tx: EntityManager, p: Omit<Resolution, 'amount'>): Promise<Transfer> {
    return this.resolve(tx, 'void', p);
  }

  /**
   * Like `post`, but leaves the credit side's balance update (the provider's redemption account) to
   * the caller, who must run `creditLater()` before the commit (redemption/capture.service.ts).
   */
  postDeferringCredit(tx: EntityManager, p: Resolution): Promise<Deferred<{ transfer: Transfer }>> {
    return this.resolveDeferringCredit(tx, 'post', p);
  }

  /**
   * Like `void`, but leaves the credit side's balance update (the provider's redemption account, a
   * row every order of that provider touches) to the caller, who must run `creditLater()` before the
   * commit: the lock order of the order path takes that row last (orders.service.ts `release`).
   */
  voidDeferringCredit(
    tx: EntityManager,
    p: Omit<Resolution, 'amount'>,
  ): Promise<Deferred<{ transfer: Transfer }>> {
    return this.resolveDeferringCredit(tx, 'void', p);
  }

  /**
   * Voids many pending transfers in one transaction, their debit accounts in the given order (sort
   * them: the lock order), and leaves the credit side to `creditLater()`: one update per credit
   * account with the sum of its voids, in account id order (a provider's redemption account is
   * touched once per batch, as the last statements before the commit).
   */
  async voidManyDeferringCredit(
    tx: EntityManager,
    items: Array<Omit<Resolution, 'amount'>>,
  ): Promise<Deferred<{ transfers: Transfer[] }>> {
    const transfers: Transfer[] = [];
    const credits = new Map<string, number>();
    for (const item of items) {
      const { transfer, creditLater } = await this.resolveDeferringCredit(tx, 'void', item);
      transfers.push(transfer);
      if (creditLater !== NOTHING)
        credits.set(transfer.creditAccountId, (credits.get(transfer.creditAccountId) ?? 0) + transfer.amount);
    }
    const creditLater = async () => {
      for (const [accountId, amount] of [...credits].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        await this.accounts.settleCredit(tx, accountId, amount, 0);
    };
    return { transfers, creditLater };
  }

  private async resolve(tx: EntityManager, phase: 'post' | 'void', p: Resolution): Promise<Transfer> {
    const { transfer, creditLater } = await this.resolveDeferringCredit(tx, phase, p);
    if (creditLater === NOTHING) return transfer;
    await creditLater();
    return (await this.transfers.byId(tx, p.id))!;
  }

  private async resolveDeferringCredit(
    tx: EntityManager,
    phase: 'post' | 'void',
    p: Resolution,
  ): Promise<Deferred<{ transfer: Transfer }>> {
    const existing = await this.transfers.byId(tx, p.id);
    if (existing) {
      if (
        existing.phase !== phase ||
        existing.pendingId !== p.pendingId ||
        (p.amount !== undefined && existing.amount !== p.amount)
      )
        throw existsWithOtherFields(p.id);
      return { transfer: existing, creditLater: NOTHING };
    }
    const pending = await this.lockUnresolved(tx, p.pendingId);
    const amount = phase === 'void' ? pending.amount : (p.amount ?? pending.amount);
    if (phase === 'post') checkAmount(amount, 'amount', 0);
    if (amount > pending.amount)
      throw refuse(
        'VALIDATION_FAILED',
        { fields: [{ field: 'amount', problems: [`at most the pending ${pending.amount}`] }] },
        'amount exceeds the pending amount',
      );
    const row: NewTransfer = {
      ...pending,
      id: p.id,
      amount,
      phase,
      pendingId: pending.id,
      code: p.code ?? pending.code,
      refType: p.refType ?? pending.refType,
      refId: p.refId ?? pending.refId,
      exempt: false,
    };
    try {
      await this.transfers.insert(tx, [row]);
    } catch (err) {
      if (isDuplicateKey(err))
        throw refuse(
          'PENDING_TRANSFER_ALREADY_RESOLVED',
          { pendingId: p.pendingId },
          'the hold was already resolved',
        );
      throw err;
    }
    const posted = phase === 'post' ? amount : 0;
    await this.accounts.settleDebit(tx, pending.debitAccountId, pending.amount, posted);
    const creditLater = () => this.accounts.settleCredit(tx, pending.creditAccountId, pending.amount, posted);
    return { transfer: { ...row, createdAt: new Date() }, creditLater };
  }

  /** Locks a pending transfer that is not resolved yet: resolutions of one hold are serialised here. */
  private async lockUnresolved(tx: EntityManager, pendingId: string): Promise<Transfer> {
    const pending = await this.transfers.lockById(tx, pendingId);
    if (!pending || pending.phase !== 'pending')
      throw refuse('NOT_FOUND', { pendingId }, 'no such pending transfer');
    const prior = await this.transfers.byPendingId(tx, pendingId);
    if (prior)
      throw refuse(
        'PENDING_TRANSFER_ALREADY_RESOLVED',
        { pendingId, resolvedBy: prior.id, phase: prior.phase },
        `the hold was already ${prior.phase === 'post' ? 'posted' : 'voided'}`,
      );
    return pending;
  }

  private async ledgerOf(tx: EntityManager, debitId: string, creditId: string): Promise<LedgerName> {
    if (debitId === creditId) throw refuse('BAD_REQUEST', {}, 'debit and credit accounts must differ');
    const rows = await this.accounts.ledgersOf(tx, [debitId, creditId]);
    if (rows.length !== 2) throw refuse('NOT_FOUND', { debitId, creditId }, 'account not found');
    if (rows[0].ledger !== rows[1].ledger)
      throw refuse('BAD_REQUEST', {}, 'transfers stay within one ledger');
    return rows[0].ledger;
  }
}
