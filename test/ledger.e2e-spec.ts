import { DomainError } from '../src/common/domain-error';
import { newId } from '../src/common/ids';
import { TransactionService } from '../src/database/transaction.service';
import { LedgerAuditService } from '../src/ledger/ledger-audit.service';
import { LedgerService } from '../src/ledger/ledger.service';
import { createTestApp, TestApp } from './support/harness';
import { World } from './support/world';

describe('ledger: wallet, transactions, audit, concurrency', () => {
  let t: TestApp;
  let world: World;
  let ledger: LedgerService;
  let tx: TransactionService;

  beforeAll(async () => {
    t = await createTestApp({ role: 'api' });
    world = new World(t);
    ledger = t.app.get(LedgerService);
    tx = t.app.get(TransactionService);
  });
  afterAll(() => t?.close());

  const credit = (communityId: string, userId: string, amount: number) =>
    tx.run(async (em) =>
      ledger.transfer(em, {
        id: newId(),
        debitAccountId: await ledger.issuanceOf(em, communityId),
        creditAccountId: await ledger.walletOf(em, userId),
        amount,
        code: 'award',
      }),
    );

  it('shows a resident their wallet and ledger lines, newest first, paginated', async () => {
    const c = await world.community();
    const alice = await world.resident(c.id);
    const empty = await t.http().get('/api/v1/me/wallet').set('Authorization', `Bearer ${alice.token}`);
    expect(empty.body).toEqual({ available: 0, held: 0, balance: 0 });
    for (const n of [10, 20, 30]) await credit(c.id, alice.id, n);
    const hold = await tx.run(async (em) =>
      ledger.transfer(em, {
        id: newId(),
        debitAccountId: await ledger.walletOf(em, alice.id),
        creditAccountId: await ledger.redemptionOf(em, c.id),
        amount: 15,
        code: 'order_hold',
        pending: true,
      }),
    );
    const w = await t.http().get('/api/v1/me/wallet').set('Authorization', `Bearer ${alice.token}`);
    expect(w.body).toEqual({ available: 45, held: 15, balance: 60 });

    const page1 = await t
      .http()
      .get('/api/v1/me/transactions?limit=2')
      .set('Authorization', `Bearer ${alice.token}`);
    expect(page1.status).toBe(200);
    expect(page1.body.items.map((l: { amount: number }) => l.amount)).toEqual([-15, 30]);
    expect(page1.body.items[0]).toMatchObject({ id: hold.id, code: 'order_hold', phase: 'pending' });
    const page2 = await t
      .http()
      .get(`/api/v1/me/transactions?limit=2&cursor=${page1.body.nextCursor}`)
      .set('Authorization', `Bearer ${alice.token}`);
    expect(page2.body.items.map((l: { amount: number }) => l.amount)).toEqual([20, 10]);
    expect(page2.body.nextCursor).toBeNull();

    const staff = await world.staff(c.id);
    expect(
      (await t.http().get('/api/v1/me/wallet').set('Authorization', `Bearer ${staff.token}`)).status,
    ).toBe(403);
  });

  it('lets only city admins run the audit over HTTP, and the audit passes', async () => {
    const c = await world.community();
    const r = await world.resident(c.id);
    expect(
      (await t.http().get('/api/v1/ledger/audit').set('Authorization', `Bearer ${r.token}`)).status,
    ).toBe(403);
    const res = await t
      .http()
      .get('/api/v1/ledger/audit')
      .set('Authorization', `Bearer ${await world.admin()}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, violations: [] });
    expect(res.body.transfers).toBeGreaterThan(0);
  });

  it('finds a tampered account: the audit is not a rubber stamp', async () => {
    const c = await world.community();
    const r = await world.resident(c.id);
    await credit(c.id, r.id, 7);
    const wallet = await tx.run((em) => ledger.walletOf(em, r.id));
    await t.sql('UPDATE accounts SET credits_posted = credits_posted + 1 WHERE id = ?', [wallet]);
    const report = await t.app.get(LedgerAuditService).run({ accountIds: [wallet] });
    expect(report.ok).toBe(false);
    expect(report.violations.map((v) => v.invariant)).toContain('account_equals_transfers');
    await t.sql('UPDATE accounts SET credits_posted = credits_posted - 1 WHERE id = ?', [wallet]);
  });

  it('20 parallel holds of 30 on a wallet of 100: exactly 3 succeed, the rest are INSUFFICIENT_POINTS', async () => {
    const c = await world.community();
    const r = await world.resident(c.id);
    await credit(c.id, r.id, 100);
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () =>
        tx.run(async (em) =>
          ledger.transfer(em, {
            id: newId(),
            debitAccountId: await ledger.walletOf(em, r.id),
            creditAccountId: await ledger.redemptionOf(em, c.id),
            amount: 30,
            code: 'order_hold',
            pending: true,
          }),
        ),
      ),
    );
    const ok = results.filter((x) => x.status === 'fulfilled');
    const codes = results
      .filter((x): x is PromiseRejectedResult => x.status === 'rejected')
      .map((x) => (x.reason as DomainError).code);
    expect(ok).toHaveLength(3);
    expect(new Set(codes)).toEqual(new Set(['INSUFFICIENT_POINTS']));
    expect(await ledger.walletBalance(r.id)).toEqual({ available: 10, held: 90, balance: 100 });
  });

  it('resolves a hold once when 10 posts and voids race', async () => {
    const c = await world.community();
    const r = await world.resident(c.id);
    await credit(c.id, r.id, 50);
    const hold = await tx.run(async (em) =>
      ledger.transfer(em, {
        id: newId(),
        debitAccountId: await ledger.walletOf(em, r.id),
        creditAccountId: await ledger.redemptionOf(em, c.id),
        amount: 40,
        code: 'order_hold',
        pending: true,
      }),
    );
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        tx.run((em) =>
          i % 2
            ? ledger.post(em, { id: newId(), pendingId: hold.id })
            : ledger.void(em, { id: newId(), pendingId: hold.id }),
        ),
      ),
    );
    expect(results.filter((x) => x.status === 'fulfilled')).toHaveLength(1);
    const rows = await t.sql('SELECT phase FROM transfers WHERE pending_id = ?', [hold.id]);
    expect(rows).toHaveLength(1);
    const b = await ledger.walletBalance(r.id);
    expect(b.held).toBe(0);
    expect([10, 50]).toContain(b.available);
  });

  it('keeps transfers within one ledger and refuses a transfer id reused with other fields', async () => {
    const c = await world.community();
    const r = await world.resident(c.id);
    await expect(
      tx.run(async (em) =>
        ledger.transfer(em, {
          id: newId(),
          debitAccountId: await ledger.ensureAccount(em, {
            ledger: 'CNY_FEN',
            kind: 'community_fund',
            ownerType: 'region',
            ownerId: c.id,
          }),
          creditAccountId: await ledger.walletOf(em, r.id),
          amount: 1,
          code: 'award',
        }),
      ),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const first = await credit(c.id, r.id, 5);
    await expect(
      tx.run(async (em) =>
        ledger.transfer(em, {
          id: first.id,
          debitAccountId: first.debitAccountId,
          creditAccountId: first.creditAccountId,
          amount: 6,
          code: 'award',
        }),
      ),
    ).rejects.toMatchObject({ code: 'TRANSFER_EXISTS_WITH_DIFFERENT_FIELDS' });
    expect(await ledger.walletBalance(r.id)).toMatchObject({ balance: 5 });
  });
  it('gets or creates many wallets at once, the same accounts as one by one', async () => {
    const c = await world.community();
    const a = await world.resident(c.id);
    const b = await world.resident(c.id);
    const one = await tx.run((em) => ledger.walletOf(em, a.id));
    const [first, second] = await Promise.all([
      tx.run((em) => ledger.walletsOf(em, [a.id, b.id, b.id])),
      tx.run((em) => ledger.walletsOf(em, [b.id, a.id])),
    ]);
    expect(first.get(a.id)).toBe(one);
    expect(first.get(b.id)).toBe(second.get(b.id));
    const rows = await t.sql(`SELECT COUNT(*) n FROM accounts WHERE kind = 'wallet' AND owner_id IN (?)`, [
      [a.id, b.id],
    ]);
    expect(Number(rows[0].n)).toBe(2);
  });
});
