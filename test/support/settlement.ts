import { newId } from '../../src/common/ids';
import { TransactionService } from '../../src/database/transaction.service';
import { LedgerService } from '../../src/ledger/ledger.service';
import type { TestApp } from './harness';
import type { User } from './world';

/**
 * Moves ledger transfers (and what the orders say of their redemption) to an explicit time: the
 * ledger stamps `created_at` itself, so a test of a past month or year backdates what it recorded.
 * Amounts are untouched, so the ledger audit holds.
 */
export async function backdateTransfers(t: TestApp, ids: string[], at: Date): Promise<void> {
  if (!ids.length) return;
  await t.sql('UPDATE transfers SET created_at = ? WHERE id IN (?)', [at, ids]);
}

/**
 * Awards points (issuance → wallet, code `award`) through the real ledger, recorded at `at`: points
 * "earned in 2025" for expiry tests. Returns the transfer id.
 */
export async function awardAt(t: TestApp, communityId: string, userId: string, points: number, at: Date) {
  const ledger = t.app.get(LedgerService);
  const id = newId();
  await t.app.get(TransactionService).run(async (em) =>
    ledger.transfer(em, {
      id,
      debitAccountId: await ledger.issuanceOf(em, communityId),
      creditAccountId: await ledger.walletOf(em, userId),
      amount: points,
      code: 'award',
      refType: 'test',
      refId: userId,
    }),
  );
  await backdateTransfers(t, [id], at);
  return id;
}

/** Backdates an order's redemption: its `redeem` post and `redeemed_at`. */
export async function backdateRedemption(t: TestApp, orderId: string, at: Date): Promise<void> {
  await t.sql(
    `UPDATE transfers SET created_at = ? WHERE code = 'redeem' AND ref_type = 'order' AND ref_id = ?`,
    [at, orderId],
  );
  await t.sql('UPDATE orders SET redeemed_at = ? WHERE id = ?', [at, orderId]);
}

/** City-wide settlement (通兑) through the API: `await settlement.statement(officer, {period})`. */
export class Settlement {
  constructor(readonly t: TestApp) {}

  statement(user: User, query: Record<string, string>) {
    return this.t.http().get('/api/v1/settlements').query(query).set('Authorization', `Bearer ${user.token}`);
  }

  close(user: User, body: Record<string, unknown>) {
    return this.t
      .http()
      .post('/api/v1/settlements/close')
      .set('Authorization', `Bearer ${user.token}`)
      .send(body);
  }

  /** A provider's settlement account (CNY_FEN provider_payable): what it has been paid. */
  async payable(organizationId: string): Promise<number> {
    const [row] = await this.t.sql(
      `SELECT credits_posted - debits_posted AS b FROM accounts
        WHERE ledger = 'CNY_FEN' AND kind = 'provider_payable' AND owner_type = 'organization' AND owner_id = ?`,
      [organizationId],
    );
    return Number(row?.b ?? 0);
  }
}
