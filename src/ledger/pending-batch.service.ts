import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { conflict, refuse } from '../common/errors';
import { AccountsRepository } from './accounts.repository';
import { Transfer } from './ledger.types';
import { NewTransfer, TransfersRepository } from './transfers.repository';

/** A full post of a pending transfer in a batch: the post's id and the hold it resolves. */
export interface BatchPost {
  id: string;
  pendingId: string;
  code: string;
  refType: string;
  refId: string;
}

const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Sums `amount` per key, in key order (the lock order). */
function sums(items: Array<[string, number]>): Array<[string, number]> {
  const m = new Map<string, number>();
  for (const [k, n] of items) m.set(k, (m.get(k) ?? 0) + n);
  return [...m].sort(([a], [b]) => byId(a, b));
}

/**
 * Resolutions of many pending transfers at once (the counter's group commit): a handful of
 * statements for the whole batch instead of seven per hold, with the ledger's rules unchanged. A
 * hold already resolved, missing, or not pending fails the whole call (the caller's batch then
 * falls back to one capture at a time, which answers each case exactly).
 */
@Injectable()
export class PendingBatchService {
  constructor(
    private readonly accounts: AccountsRepository,
    private readonly transfers: TransfersRepository,
  ) {}

  /**
   * Posts each hold in full: the holds are locked in id order, the posts recorded in one insert
   * (the unique `pending_id` refuses a hold resolved already) and the debit accounts (wallets) settled in one update. The credit side
   * (a provider's redemption account, a row every capture at its counter touches) is left to
   * `creditLater()`, one update per credit account with the batch's sum, in account id order: the
   * caller runs it as the last statements before the commit.
   */
  async postManyDeferringCredit(
    tx: EntityManager,
    posts: BatchPost[],
  ): Promise<{ transfers: Transfer[]; creditLater: () => Promise<void> }> {
    if (!posts.length) return { transfers: [], creditLater: async () => undefined };
    const pendingIds = [...new Set(posts.map((p) => p.pendingId))].sort(byId);
    if (pendingIds.length !== posts.length)
      throw conflict('a hold is posted twice in one batch', { pendingIds });
    const held = new Map((await this.transfers.lockByIds(tx, pendingIds)).map((t) => [t.id, t]));
    for (const id of pendingIds) {
      const t = held.get(id);
      if (!t || t.phase !== 'pending')
        throw refuse('NOT_FOUND', { pendingId: id }, 'no such pending transfer');
    }
    const rows: NewTransfer[] = posts.map((p) => {
      const pending = held.get(p.pendingId)!;
      return { ...pending, ...p, amount: pending.amount, phase: 'post', exempt: false };
    });
    // A hold resolved already (UNIQUE pending_id) or a post id taken is a duplicate key here: the
    // caller's batch fails and is answered one capture at a time.
    await this.transfers.insert(tx, rows);
    const debits = sums(rows.map((r) => [r.debitAccountId, r.amount]));
    if (
      (await this.accounts.settleDebitMany(
        tx,
        debits.map(([id, n]) => [id, n, n]),
      )) !== debits.length
    )
      throw conflict('a debit account of the batch is missing', {});
    const credits = sums(rows.map((r) => [r.creditAccountId, r.amount]));
    const creditLater = async () => {
      for (const [accountId, amount] of credits)
        await this.accounts.settleCredit(tx, accountId, amount, amount);
    };
    return { transfers: rows.map((r) => ({ ...r, createdAt: new Date() })), creditLater };
  }
}
