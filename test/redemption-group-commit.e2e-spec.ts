import { randomUUID } from 'node:crypto';
import { LedgerAuditService } from '../src/ledger/ledger-audit.service';
import { CaptureBatcher } from '../src/redemption/capture-batcher.service';
import { createTestApp, TestApp, waitFor } from './support/harness';
import { Counter } from './support/redemption';
import { User, World } from './support/world';

/** The code with one character of its signature changed (a forgery). */
const forge = (code: string): string => {
  const i = code.length - 5;
  return code.slice(0, i) + (code[i] === 'A' ? 'B' : 'A') + code.slice(i + 1);
};

describe('counter captures by group commit (one transaction per batch of scans, each scan its own answer)', () => {
  let t: TestApp;
  let world: World;
  let counter: Counter;

  beforeAll(async () => {
    t = await createTestApp();
    world = new World(t);
    counter = new Counter(t, world);
  });
  afterAll(() => t?.close());

  const batcher = (app: TestApp = t) => app.app.get(CaptureBatcher);

  /** A ready voucher of a resident who also works at the counter. */
  async function ownVoucher(cashier: User, listingId: string, communityId: string) {
    await counter.shop.give(communityId, [cashier.id], 100);
    const placed = await counter.shop.order(cashier, listingId, 1, randomUUID());
    expect(placed.status).toBe(201);
    await waitFor(
      () => counter.shop.status(placed.body.id),
      (s) => s === 'ready',
      { what: 'own order ready' },
    );
    const v = await t
      .http()
      .get(`/api/v1/orders/${placed.body.id}/voucher`)
      .set('Authorization', `Bearer ${cashier.token}`);
    return { orderId: placed.body.id as string, code: v.body.code as string };
  }

  it('a mixed batch: good codes capture, the already redeemed, expired, cancelled, forged, foreign and own ones each get today’s answer', async () => {
    const { city, org, staff, listing } = await counter.merchant({ pointsPrice: 15 });
    const [g1, g2, g3, g4, used, late, cancelled] = await counter.vouchers(listing, 7, city.a1.id);
    const foreignShop = await counter.merchant({ pointsPrice: 9 });
    const foreign = await counter.voucher(foreignShop.listing, foreignShop.city.a1.id);
    // A colleague who is also a resident, with a voucher of their own they may not redeem themselves.
    const colleague = await world.user(['resident', 'merchant_staff'], city.a1.id, {
      organizationId: org.id,
    });
    const own = await ownVoucher(colleague, listing.id, city.a1.id);
    expect((await counter.redeem(staff, used.code)).status).toBe(200);
    expect((await counter.shop.cancel(cancelled.resident, cancelled.orderId)).status).toBe(200);
    await t.sql(
      'UPDATE orders SET expires_at = DATE_SUB(CURRENT_TIMESTAMP(3), INTERVAL 1 SECOND) WHERE id = ?',
      [late.orderId],
    );
    const before = batcher().stats();
    const auditBefore = await world.count('scan_audit');

    const scans = [
      { user: staff, code: g1.code, expect: [200] },
      { user: staff, code: used.code, expect: [409, 'ALREADY_REDEEMED'] },
      { user: colleague, code: g2.code, expect: [200] },
      { user: staff, code: late.code, expect: [410, 'VOUCHER_EXPIRED'] },
      { user: staff, code: forge(g3.code), expect: [400, 'INVALID_CODE'] },
      { user: colleague, code: g3.code, expect: [200] },
      { user: staff, code: foreign.code, expect: [403, 'WRONG_ORGANIZATION'] },
      { user: staff, code: cancelled.code, expect: [410, 'VOUCHER_CANCELLED'] },
      { user: colleague, code: g4.code, expect: [200] },
      { user: colleague, code: own.code, expect: [403, 'SELF_SERVICE_FORBIDDEN'] },
    ];
    const res = await Promise.all(
      scans.map((s, i) => counter.redeem(s.user, s.code, { key: `mixed-${i}`, deviceId: 'till-1' })),
    );
    res.forEach((r, i) =>
      expect([r.status, ...(r.status === 200 ? [] : [r.body.code])]).toEqual(scans[i].expect),
    );
    // Each capture answers with its own order; the repeat says where and when it was redeemed.
    for (const [i, v] of [g1, g2, g3, g4].entries()) {
      const r = res[[0, 2, 5, 8][i]];
      expect(r.body).toMatchObject({ order: { id: v.orderId, status: 'redeemed', totalPoints: 15 } });
    }
    expect(res[1].body.details).toMatchObject({
      orderId: used.orderId,
      organizationId: org.id,
      organizationName: org.name,
    });
    const after = batcher().stats();
    expect(after.fallbacks).toBe(before.fallbacks);
    // The captures shared batches: fewer batches than scans that reached the batcher (8 of the 10).
    expect(after.items - before.items).toBe(8);
    expect(after.batches - before.batches).toBeLessThan(8);

    expect(await counter.captured(org.id)).toBe(15 * 5);
    const holds = await counter.resolutions([g1, g2, g3, g4, used, late, cancelled].map((v) => v.orderId));
    for (const v of [g1, g2, g3, g4, used])
      expect(holds.get(v.orderId)).toEqual([{ phase: 'post', amount: 15 }]);
    // The late one is never captured (the app's sweeper may have expired it meanwhile: a void).
    expect((holds.get(late.orderId) ?? []).filter((h) => h.phase === 'post')).toEqual([]);
    expect(await counter.shop.status(own.orderId)).toBe('ready');
    expect(holds.get(cancelled.orderId)).toEqual([{ phase: 'void', amount: 15 }]);
    for (const v of [g1, g2, g3, g4])
      expect((await counter.shop.wallet(v.resident)).body).toEqual({ available: 15, held: 0, balance: 15 });
    expect(
      await world.count('redemptions', 'order_id IN (?)', [[g1, g2, g3, g4].map((v) => v.orderId)]),
    ).toBe(4);
    expect(
      await world.count('notifications', `kind = 'order_redeemed' AND ref_id IN (?)`, [
        [g1, g2, g3, g4].map((v) => v.orderId),
      ]),
    ).toBe(4);
    // One audit line per scan, with its outcome; keys only for the captures.
    expect(await world.count('scan_audit')).toBe(auditBefore + scans.length);
    const lines = await t.sql(
      'SELECT outcome, COUNT(*) n FROM scan_audit WHERE id IN (SELECT id FROM (SELECT id FROM scan_audit ORDER BY created_at DESC LIMIT 10) x) GROUP BY outcome',
    );
    expect(Object.fromEntries(lines.map((l: any) => [l.outcome, Number(l.n)]))).toEqual({
      REDEEMED: 4,
      ALREADY_REDEEMED: 1,
      VOUCHER_EXPIRED: 1,
      INVALID_CODE: 1,
      WRONG_ORGANIZATION: 1,
      VOUCHER_CANCELLED: 1,
      SELF_SERVICE_FORBIDDEN: 1,
    });
    expect(await world.count('idempotency_keys', `idem_key LIKE 'mixed-%'`)).toBe(4);
    // A replayed key answers the stored capture; a failed scan's key was never stored, so it runs anew.
    const replay = await counter.redeem(colleague, g2.code, { key: 'mixed-2', deviceId: 'till-1' });
    expect([replay.status, replay.body]).toEqual([200, res[2].body]);
    const again = await counter.redeem(staff, used.code, { key: 'mixed-1', deviceId: 'till-1' });
    expect([again.status, again.body.code]).toEqual([409, 'ALREADY_REDEEMED']);
    expect(await counter.captured(org.id)).toBe(15 * 5);
  });

  it('50 scans of one code at once: exactly one capture, 49 ALREADY_REDEEMED naming it, ledger audit clean', async () => {
    const { city, org, staff, listing } = await counter.merchant({ pointsPrice: 40 });
    const v = await counter.voucher(listing, city.a1.id);
    const before = batcher().stats();
    const res = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        counter.redeem(staff, v.code, { key: `hot-${i}`, deviceId: `till-${i % 5}` }),
      ),
    );
    const ok = res.filter((r) => r.status === 200);
    const repeats = res.filter((r) => r.status === 409 && r.body.code === 'ALREADY_REDEEMED');
    expect([ok.length, repeats.length]).toEqual([1, 49]);
    for (const r of repeats)
      expect(r.body.details).toEqual({
        orderId: v.orderId,
        redeemedAt: ok[0].body.redeemedAt,
        redeemedBy: staff.id,
        redeemedByName: expect.any(String),
        deviceId: ok[0].body.deviceId,
        organizationId: org.id,
        organizationName: org.name,
      });
    const after = batcher().stats();
    expect(after.fallbacks).toBe(before.fallbacks);
    expect(after.batches - before.batches).toBeLessThan(50);
    expect(await counter.captured(org.id)).toBe(40);
    expect(await world.count('redemptions', 'order_id = ?', [v.orderId])).toBe(1);
    expect(await world.count('idempotency_keys', `idem_key LIKE 'hot-%'`)).toBe(1);
    expect((await counter.shop.wallet(v.resident)).body).toEqual({ available: 40, held: 0, balance: 40 });
    const report = await t.app.get(LedgerAuditService).run();
    expect(report.violations).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('two tills on two API processes racing on overlapping codes: each code captured once, no deadlock, no batch failed', async () => {
    const second = await createTestApp({ role: 'api', attachTo: t });
    try {
      const { city, org, staff, listing } = await counter.merchant({ pointsPrice: 7 });
      const tillB = await world.user(['merchant_staff'], city.a1.id, { organizationId: org.id });
      const vs = await counter.vouchers(listing, 30, city.a1.id);
      const a = vs.slice(0, 20);
      const b = vs.slice(10, 30).reverse();
      const viaB = (code: string, i: number) =>
        second
          .http()
          .post('/api/v1/redemptions')
          .set('Authorization', `Bearer ${tillB.token}`)
          .set('Idempotency-Key', `b-${i}`)
          .send({ code, deviceId: 'till-b' });
      const before = [batcher().stats(), batcher(second).stats()];
      const [ra, rb] = await Promise.all([
        Promise.all(a.map((v, i) => counter.redeem(staff, v.code, { key: `a-${i}`, deviceId: 'till-a' }))),
        Promise.all(b.map((v, i) => viaB(v.code, i))),
      ]);
      const answers = new Map<string, number[]>();
      a.forEach((v, i) => answers.set(v.orderId, [...(answers.get(v.orderId) ?? []), ra[i].status]));
      b.forEach((v, i) => answers.set(v.orderId, [...(answers.get(v.orderId) ?? []), rb[i].status]));
      for (const [i, v] of vs.entries()) {
        const got = answers.get(v.orderId)!.sort();
        expect(got).toEqual(i >= 10 && i < 20 ? [200, 409] : [200]);
      }
      for (const r of [...ra, ...rb].filter((x) => x.status === 409))
        expect(r.body.code).toBe('ALREADY_REDEEMED');
      const holds = await counter.resolutions(vs.map((v) => v.orderId));
      for (const v of vs) expect(holds.get(v.orderId)).toEqual([{ phase: 'post', amount: 7 }]);
      expect(await counter.captured(org.id)).toBe(7 * 30);
      expect(await world.count('redemptions', 'order_id IN (?)', [vs.map((v) => v.orderId)])).toBe(30);
      const after = [batcher().stats(), batcher(second).stats()];
      expect(after.map((s, i) => s.fallbacks - before[i].fallbacks)).toEqual([0, 0]);
      expect(after.map((s, i) => s.items - before[i].items)).toEqual([20, 20]);
    } finally {
      await second.close();
    }
  });
});
