import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { conflict } from '../common/errors';
import { newId } from '../common/ids';
import { AccountsRepository } from './accounts.repository';
import { DEFAULT_FLAGS, newTransfer } from './ledger-rules';
import { FLAG_DEBITS_MUST_NOT_EXCEED_CREDITS } from './ledger.types';
import { TransfersRepository } from './transfers.repository';

/** A pending transfer of a batch: a wallet's points held for a provider's redemption account. */
export interface BatchHold {
  id: string;
  walletId: string;
  creditAccountId: string;
  amount: number;
  code: string;
  refType: string;
  refId: string;
}

/** A wallet locked by a batch: its account and the points it may still spend. */
export interface LockedWallet {
  accountId: string;
  available: number;
}

/** Per account, the sum of the amounts (in first-seen order). */
const sums = (pairs: Array<[string, number]>): Array<[string, number]> => {
  const m = new Map<string, number>();
  for (const [id, amount] of pairs) m.set(id, (m.get(id) ?? 0) + amount);
  return [...m];
};

/**
 * The ledger's side of group commit (orders placed together): many points holds in one
 * transaction with one statement for the transfer rows, one for the wallets' debits and one for
 * the providers' credits, each wallet and provider account touched once with the batch's sum. The
 * wallets are locked first (in account id order, like every batch) and read, so that the caller
 * can plan which orders the points cover; the debit is still the conditional update of
 * `LedgerService.transfer` (flags & 1), and a batch that would overdraw any wallet fails whole.
 */
@Injectable()
export class LedgerHolds {
  constructor(
    private readonly accounts: AccountsRepository,
    private readonly transfers: TransfersRepository,
  ) {}

  /** The points wallets of these users, locked (`FOR UPDATE`, id order); users without one are absent. */
  async lockWallets(tx: EntityManager, userIds: string[]): Promise<Map<string, LockedWallet>> {
    const ids = await this.accounts.idsOfOwners(tx, 'wallet', 'user', [...new Set(userIds)]);
    if (!ids.length) return new Map();
    const owner = new Map(ids.map(([o, id]) => [id, o]));
    const rows = await this.accounts.lockByIds(
      tx,
      ids.map(([, id]) => id),
    );
    return new Map(
      rows.map((r) => [
        owner.get(r.id)!,
        {
          accountId: r.id,
          available:
            Number(r.flags) & FLAG_DEBITS_MUST_NOT_EXCEED_CREDITS
              ? Number(r.credits_posted) - Number(r.debits_posted) - Number(r.debits_pending)
              : Infinity,
        },
      ]),
    );
  }

  /** The redemption accounts of these organisations, created when missing (get-or-create). */
  async redemptionAccounts(tx: EntityManager, organizationIds: string[]): Promise<Map<string, string>> {
    const unique = [...new Set(organizationIds)];
    const found = new Map(await this.accounts.idsOfOwners(tx, 'redemption', 'organization', unique));
    const missing = unique.filter((o) => !found.has(o));
    if (missing.length) {
      await this.accounts.insertMissing(
        tx,
        missing.map((o) => ({
          ledger: 'POINTS' as const,
          kind: 'redemption' as const,
          ownerType: 'organization' as const,
          ownerId: o,
          sub: '',
          id: newId(),
          flags: DEFAULT_FLAGS.redemption ?? 0,
        })),
      );
      for (const [o, id] of await this.accounts.idsOfOwners(tx, 'redemption', 'organization', missing))
        found.set(o, id);
    }
    return found;
  }

  /**
   * Records the holds (pending transfers) and debits each wallet once with its sum. The credit side
   * (providers' redemption accounts, rows every order of a provider touches) is left to
   * `creditLater()`, which the caller runs as the last statement before the commit.
   */
  async holdMany(tx: EntityManager, holds: BatchHold[]): Promise<{ creditLater: () => Promise<void> }> {
    if (!holds.length) return { creditLater: async () => undefined };
    await this.transfers.insert(
      tx,
      holds.map((h) =>
        newTransfer(
          {
            id: h.id,
            debitAccountId: h.walletId,
            creditAccountId: h.creditAccountId,
            amount: h.amount,
            code: h.code,
            refType: h.refType,
            refId: h.refId,
            pending: true,
          },
          'POINTS',
        ),
      ),
    );
    const debits = sums(holds.map((h) => [h.walletId, h.amount]));
    const credits = sums(holds.map((h) => [h.creditAccountId, h.amount]));
    if ((await this.accounts.moveMany(tx, 'debits', 'pending', debits)) !== debits.length)
      throw conflict('a wallet of the batch would be overdrawn', { wallets: debits.length });
    return {
      creditLater: async () => {
        if ((await this.accounts.moveMany(tx, 'credits', 'pending', credits)) !== credits.length)
          throw conflict('credits would exceed debits on a credit account of the batch');
      },
    };
  }
}
