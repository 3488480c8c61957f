import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { OrderSweeper } from '../src/orders/order-sweeper.service';
import { localDay } from '../src/redemption/redemption-rules';
import { parseCode } from '../src/signing/code-format';
import { createTestApp, TestApp, waitFor } from './support/harness';
import { Counter } from './support/redemption';
import { World } from './support/world';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The code with the character at `i` replaced by another one of the same alphabet. */
function alter(code: string, i: number): string {
  const next = ALPHABET[(ALPHABET.indexOf(code[i]) + 1 + (i % 5)) % ALPHABET.length];
  return code.slice(0, i) + (next === code[i] ? 'Q' : next) + code.slice(i + 1);
}

describe('redemption at the counter (online scanning, keys, merchant views)', () => {
  let t: TestApp;
  let world: World;
  let counter: Counter;

  beforeAll(async () => {
    t = await createTestApp();
    world = new World(t);
    counter = new Counter(t, world);
  });
  afterAll(() => t?.close());

  it('50 concurrent scans of one code: one 200, 49 ALREADY_REDEEMED, the points captured once', async () => {
    const { city, org, staff, listing } = await counter.merchant({ pointsPrice: 40 });
    const v = await counter.voucher(listing, city.a1.id);
    const res = await Promise.all(
      Array.from({ length: 50 }, (_, i) => counter.redeem(staff, v.code, { deviceId: `till-${i % 3}` })),
    );
    const ok = res.filter((r) => r.status === 200);
    const refused = res.filter((r) => r.status === 409);
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(49);
    expect(new Set(refused.map((r) => r.body.code))).toEqual(new Set(['ALREADY_REDEEMED']));
    const won = ok[0].body;
    expect(won).toMatchObject({
      order: { id: v.orderId, status: 'redeemed', totalPoints: 40 },
      listing: { id: listing.id, title: listing.title },
      resident: { displayName: '李*英' },
      redeemedBy: staff.id,
    });
    // When and where it was redeemed, for the cashier who scans it again.
    expect(refused[0].body.details).toEqual({
      orderId: v.orderId,
      redeemedAt: won.redeemedAt,
      redeemedBy: staff.id,
      redeemedByName: '张小红',
      deviceId: won.deviceId,
      organizationId: org.id,
      organizationName: org.name,
    });
    const [hold] = await t.sql('SELECT hold_transfer_id h FROM orders WHERE id = ?', [v.orderId]);
    const resolutions = await t.sql('SELECT phase, amount, code FROM transfers WHERE pending_id = ?', [
      hold.h,
    ]);
    expect(resolutions).toEqual([{ phase: 'post', amount: 40, code: 'redeem' }]);
    expect(await counter.captured(org.id)).toBe(40);
    expect(await world.count('redemptions', 'order_id = ?', [v.orderId])).toBe(1);
    expect((await counter.shop.wallet(v.resident)).body).toEqual({ available: 40, held: 0, balance: 40 });
    const audit = await t.sql(
      'SELECT outcome, COUNT(*) n FROM scan_audit WHERE order_id = ? GROUP BY outcome',
      [v.orderId],
    );
    expect(Object.fromEntries(audit.map((a: any) => [a.outcome, Number(a.n)]))).toEqual({
      REDEEMED: 1,
      ALREADY_REDEEMED: 49,
    });
  });

  it('a voucher image decoded by a QR reader redeems; the code with any single character changed is INVALID_CODE', async () => {
    const { city, org, staff, listing } = await counter.merchant({ pointsPrice: 15 });
    const v = await counter.voucher(listing, city.a1.id);
    const png = await t
      .http()
      .get(`/api/v1/orders/${v.orderId}/voucher.png`)
      .set('Authorization', `Bearer ${v.resident.token}`)
      .buffer(true);
    expect(png.status).toBe(200);
    const img = PNG.sync.read(png.body as Buffer);
    const decoded = jsQR(new Uint8ClampedArray(img.data), img.width, img.height)?.data;
    expect(decoded).toBe(v.code);
    const code = decoded!;

    // Prefix, version, type, key id, subject, organisation, expiry, signature, last character.
    const positions = [
      0,
      1,
      2,
      3,
      5,
      9,
      20,
      40,
      55,
      57,
      62,
      80,
      100,
      120,
      140,
      code.length - 2,
      code.length - 1,
    ];
    for (const i of positions) {
      const altered = alter(code, i);
      expect(altered).not.toBe(code);
      const r = await counter.redeem(staff, altered);
      expect({ i, status: r.status, code: r.body.code }).toEqual({ i, status: 400, code: 'INVALID_CODE' });
    }
    for (const broken of [
      code.slice(0, -1),
      code.slice(0, 60),
      `${code}A`,
      ` ${code}`,
      code.toLowerCase(),
      '',
    ]) {
      const r = await counter.redeem(staff, broken);
      expect({ broken, status: r.status, code: r.body.code }).toEqual({
        broken,
        status: 400,
        code: 'INVALID_CODE',
      });
    }
    // None of that touched the order: the genuine code still redeems, once.
    const r = await counter.redeem(staff, code, { deviceId: 'till-qr' });
    expect(r.status).toBe(200);
    expect(r.body.order.status).toBe('redeemed');
    expect(await counter.captured(org.id)).toBe(15);
  });

  it('verify is a dry run: what the code is and whether it would redeem, without writing anything', async () => {
    const { city, staff, listing } = await counter.merchant({ pointsPrice: 20 });
    const v = await counter.voucher(listing, city.a1.id);
    const before = await counter.footprint();
    const dry = await counter.verify(staff, v.code);
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({
      wouldRedeem: true,
      order: { id: v.orderId, status: 'ready' },
      listing: { id: listing.id, title: listing.title },
      resident: { displayName: '李*英' },
      expiresAt: v.expiresAt,
    });
    expect(dry.body.reason).toBeUndefined();
    expect(await counter.footprint()).toEqual(before);
    expect((await counter.redeem(staff, v.code)).status).toBe(200);
    const again = await counter.verify(staff, v.code);
    expect(again.body).toMatchObject({ wouldRedeem: false, reason: 'ALREADY_REDEEMED' });
    const stranger = (await counter.mall.provider('merchant', city.a1.id)).staff;
    expect((await counter.verify(stranger, v.code)).body.code).toBe('WRONG_ORGANIZATION');
    expect((await counter.verify(stranger, v.code)).status).toBe(403);
    const bad = await counter.verify(staff, alter(v.code, 70));
    expect([bad.status, bad.body.code]).toEqual([400, 'INVALID_CODE']);
  });

  it('staff of another merchant: 403 WRONG_ORGANIZATION; a resident or a grid worker: 403 FORBIDDEN; community staff redeem at their supermarket', async () => {
    const { city, staff, listing } = await counter.merchant({ pointsPrice: 10 });
    const [v, w] = await counter.vouchers(listing, 2, city.a1.id);
    const other = (await counter.mall.provider('merchant', city.a1.id)).staff;
    const foreign = await counter.redeem(other, v.code);
    expect([foreign.status, foreign.body.code]).toEqual([403, 'WRONG_ORGANIZATION']);
    const asResident = await counter.redeem(v.resident, v.code);
    expect([asResident.status, asResident.body.code]).toEqual([403, 'FORBIDDEN']);
    const grid = await world.gridWorker(city.a1.id);
    expect((await counter.redeem(grid, v.code)).status).toBe(403);
    expect((await counter.redeem(staff, w.code)).status).toBe(200);
    expect((await counter.redeem(staff, v.code)).status).toBe(200);

    // The community's own supermarket: its staff (with or without the organisation on their login).
    const shop = await counter.mall.provider('community', city.a2.id);
    const supermarket = await counter.mall.create(shop.staff, city.a2.id, { stock: 10, pointsPrice: 5 });
    const [x, y] = await counter.vouchers(supermarket, 2, city.a2.id);
    const regional = await world.staff(city.a2.id);
    expect((await counter.redeem(regional, x.code)).status).toBe(200);
    expect((await counter.redeem(shop.staff, y.code)).status).toBe(200);
    const neighbour = await world.staff(city.a1.id);
    expect((await counter.redeem(neighbour, y.code)).body.code).toBe('WRONG_ORGANIZATION');
  });

  it('a cancelled voucher is 410 VOUCHER_CANCELLED; one past its deadline is 410 VOUCHER_EXPIRED', async () => {
    const { city, staff, listing } = await counter.merchant({ pointsPrice: 10 });
    const [c, e] = await counter.vouchers(listing, 2, city.a1.id);
    expect((await counter.shop.cancel(c.resident, c.orderId)).status).toBe(200);
    const cancelled = await counter.redeem(staff, c.code);
    expect([cancelled.status, cancelled.body.code]).toEqual([410, 'VOUCHER_CANCELLED']);
    // Past the deadline but not yet swept: still refused, and the order is left to the sweeper.
    await t.sql(
      'UPDATE orders SET expires_at = DATE_SUB(CURRENT_TIMESTAMP(3), INTERVAL 1 SECOND) WHERE id = ?',
      [e.orderId],
    );
    const expired = await counter.redeem(staff, e.code);
    expect([expired.status, expired.body.code]).toEqual([410, 'VOUCHER_EXPIRED']);
    await waitFor(
      () => counter.shop.status(e.orderId),
      (s) => s === 'expired',
      { what: 'order swept' },
    );
    const after = await counter.redeem(staff, e.code);
    expect([after.status, after.body.code]).toEqual([410, 'VOUCHER_EXPIRED']);
    expect((await counter.shop.wallet(e.resident)).body).toEqual({ available: 20, held: 0, balance: 20 });
  });

  it('a failed scan writes nothing but an audit line', async () => {
    const { city, org, staff, listing } = await counter.merchant({ pointsPrice: 10 });
    const [used, cancelled, late] = await counter.vouchers(listing, 3, city.a1.id);
    expect((await counter.redeem(staff, used.code)).status).toBe(200);
    expect((await counter.shop.cancel(cancelled.resident, cancelled.orderId)).status).toBe(200);
    await t.sql(
      'UPDATE orders SET expires_at = DATE_SUB(CURRENT_TIMESTAMP(3), INTERVAL 1 SECOND) WHERE id = ?',
      [late.orderId],
    );
    // The app's own sweeper may hold the order at this moment (ours then skips it): wait for either.
    await t.app.get(OrderSweeper).expireDue();
    await waitFor(
      () => counter.shop.status(late.orderId),
      (s) => s === 'expired',
      { what: 'the late order expired' },
    );
    const stranger = (await counter.mall.provider('merchant', city.a1.id)).staff;
    const auditBefore = await world.count('scan_audit');
    const before = await counter.footprint();

    const attempts = [
      { user: staff, code: used.code, expect: [409, 'ALREADY_REDEEMED'] },
      { user: staff, code: cancelled.code, expect: [410, 'VOUCHER_CANCELLED'] },
      { user: staff, code: late.code, expect: [410, 'VOUCHER_EXPIRED'] },
      { user: stranger, code: used.code, expect: [403, 'WRONG_ORGANIZATION'] },
      { user: staff, code: alter(used.code, 90), expect: [400, 'INVALID_CODE'] },
    ];
    for (const [i, a] of attempts.entries()) {
      const r = await counter.redeem(a.user, a.code, { key: `failing-${i}`, deviceId: 'till-9' });
      expect([r.status, r.body.code]).toEqual(a.expect);
    }
    expect(await counter.footprint()).toEqual(before);
    const lines = await t.sql(
      'SELECT actor_id, organization_id, device_id, outcome, order_id FROM scan_audit ORDER BY created_at DESC, id LIMIT 5',
    );
    expect(await world.count('scan_audit')).toBe(auditBefore + attempts.length);
    expect(lines.map((l: any) => l.outcome).sort()).toEqual(
      [
        'ALREADY_REDEEMED',
        'VOUCHER_CANCELLED',
        'VOUCHER_EXPIRED',
        'WRONG_ORGANIZATION',
        'INVALID_CODE',
      ].sort(),
    );
    expect(lines.find((l: any) => l.outcome === 'WRONG_ORGANIZATION')).toMatchObject({
      actor_id: stranger.id,
      organization_id: org.id,
      order_id: used.orderId,
      device_id: 'till-9',
    });
    expect(lines.find((l: any) => l.outcome === 'INVALID_CODE').order_id).toBeNull();
  });

  it('the same Idempotency-Key replays the first answer; with another body it is 422', async () => {
    const { city, org, staff, listing } = await counter.merchant({ pointsPrice: 12 });
    const [v, w] = await counter.vouchers(listing, 2, city.a1.id);
    const res = await Promise.all(
      Array.from({ length: 5 }, () => counter.redeem(staff, v.code, { key: 'scan-1', deviceId: 'till-1' })),
    );
    expect(res.map((r) => r.status)).toEqual(Array(5).fill(200));
    for (const r of res) expect(r.body).toEqual(res[0].body);
    const other = await counter.redeem(staff, w.code, { key: 'scan-1', deviceId: 'till-1' });
    expect([other.status, other.body.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    expect(await counter.captured(org.id)).toBe(12);
  });

  it('a redemption racing cancellation or expiry: exactly one wins and the hold is resolved once', async () => {
    const { city, org, staff, listing } = await counter.merchant({ pointsPrice: 25 });
    const vs = await counter.vouchers(listing, 20, city.a1.id);
    const byCancel = vs.slice(0, 10);
    const byExpiry = vs.slice(10);
    // Deadlines spread over the next two seconds, so that some scans come before and some after.
    for (const [i, v] of byExpiry.entries())
      await t.sql(
        'UPDATE orders SET expires_at = DATE_ADD(CURRENT_TIMESTAMP(3), INTERVAL ? MICROSECOND) WHERE id = ?',
        [i * 200_000, v.orderId],
      );
    const sweeper = t.app.get(OrderSweeper);
    const openExpiring = async () => {
      await sweeper.expireDue();
      const [r] = await t.sql(`SELECT COUNT(*) n FROM orders WHERE id IN (?) AND status = 'ready'`, [
        byExpiry.map((v) => v.orderId),
      ]);
      return Number(r.n);
    };
    // Cancellations and scans of one voucher sent together, alternately the one first and the other.
    const scans: Array<Promise<any>> = [];
    const cancels: Array<Promise<any>> = [];
    for (const [i, v] of byCancel.entries()) {
      if (i % 2) scans[i] = counter.redeem(staff, v.code).then((r) => r);
      cancels[i] = counter.shop.cancel(v.resident, v.orderId).then((r) => r);
      if (!(i % 2)) scans[i] = counter.redeem(staff, v.code).then((r) => r);
    }
    for (const [i, v] of byExpiry.entries()) scans[10 + i] = counter.redeem(staff, v.code).then((r) => r);
    const [scanned, cancelled] = await Promise.all([
      Promise.all(scans),
      Promise.all(cancels),
      waitFor(openExpiring, (n) => n === 0, { what: 'expiring vouchers resolved' }),
    ]);
    const holds = await counter.resolutions(vs.map((v) => v.orderId));
    let redeemed = 0;
    for (const [i, v] of vs.entries()) {
      const status = await counter.shop.status(v.orderId);
      const resolution = holds.get(v.orderId)!;
      expect(resolution).toHaveLength(1);
      if (status === 'redeemed') {
        redeemed++;
        expect(scanned[i].status).toBe(200);
        expect(resolution[0]).toEqual({ phase: 'post', amount: 25 });
        if (i < 10) expect(cancelled[i].body.code).toBe('ALREADY_REDEEMED');
        expect((await counter.shop.wallet(v.resident)).body).toEqual({ available: 25, held: 0, balance: 25 });
      } else {
        expect(status).toBe(i < 10 ? 'cancelled' : 'expired');
        if (i < 10) expect(cancelled[i].status).toBe(200);
        expect([scanned[i].status, scanned[i].body.code]).toEqual([
          410,
          i < 10 ? 'VOUCHER_CANCELLED' : 'VOUCHER_EXPIRED',
        ]);
        expect(resolution[0]).toEqual({ phase: 'void', amount: 25 });
        expect((await counter.shop.wallet(v.resident)).body).toEqual({ available: 50, held: 0, balance: 50 });
      }
    }
    expect(await world.count('redemptions', 'order_id IN (?)', [vs.map((v) => v.orderId)])).toBe(redeemed);
    expect(await counter.captured(org.id)).toBe(25 * redeemed);
  });

  it('lists the counter’s redemptions by period, listing and device, page by page; the settlement sums match the ledger', async () => {
    const { city, org, staff, listing } = await counter.merchant({ pointsPrice: 30 });
    const second = await counter.mall.create(staff, city.a1.id, { stock: null, pointsPrice: 45 });
    const a = await counter.vouchers(listing, 3, city.a1.id);
    const b = await counter.vouchers(second, 2, city.a1.id);
    for (const [i, v] of [...a, ...b].entries())
      expect(
        (await counter.redeem(staff, v.code, { deviceId: i % 2 ? 'till-odd' : 'till-even' })).status,
      ).toBe(200);

    const all = await counter.list(staff);
    expect(all.status).toBe(200);
    expect(all.body.items).toHaveLength(5);
    expect(all.body.items[0]).toMatchObject({
      organizationId: org.id,
      channel: 'online',
      resident: { displayName: '李*英' },
    });
    expect(
      (await counter.list(staff, { listingId: second.id })).body.items.map((r: any) => r.points),
    ).toEqual([45, 45]);
    expect((await counter.list(staff, { deviceId: 'till-odd' })).body.items).toHaveLength(2);
    const today = localDay(new Date());
    expect((await counter.list(staff, { from: today, to: today })).body.items).toHaveLength(5);
    expect((await counter.list(staff, { from: '2020-01-01', to: '2020-12-31' })).body.items).toHaveLength(0);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await counter.list(staff, { limit: 2, ...(cursor ? { cursor } : {}) });
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((r: any) => r.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(5);
    const stranger = (await counter.mall.provider('merchant', city.a1.id)).staff;
    expect((await counter.list(stranger)).body.items).toHaveLength(0);

    const s = await counter.settlement(staff, { from: today, to: today });
    expect(s.status).toBe(200);
    expect(s.body).toMatchObject({
      organizationId: org.id,
      totalPoints: 3 * 30 + 2 * 45,
      totalRedemptions: 5,
    });
    expect(s.body.days).toEqual(
      expect.arrayContaining([
        { day: today, listingId: listing.id, listingTitle: listing.title, points: 90, redemptions: 3 },
        { day: today, listingId: second.id, listingTitle: second.title, points: 90, redemptions: 2 },
      ]),
    );
    const [rows] = await t.sql('SELECT SUM(points) p FROM redemptions WHERE organization_id = ?', [org.id]);
    expect(Number(rows.p)).toBe(s.body.totalPoints);
    expect(await counter.captured(org.id)).toBe(s.body.totalPoints);
    expect((await counter.settlement(staff, { from: '2020-01-01', to: '2020-01-31' })).body.totalPoints).toBe(
      0,
    );
    const bad = await counter.settlement(staff, { from: '2026-12-01', to: '2026-11-01' });
    expect([bad.status, bad.body.code]).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('after a rotation an old voucher still redeems; after its key is revoked it answers INVALID_CODE', async () => {
    const admin = await world.admin();
    const { city, staff, listing } = await counter.merchant({ pointsPrice: 10 });
    const [old1, old2] = await counter.vouchers(listing, 2, city.a1.id);
    const oldKid = parseCode(old1.code)!.claims.kid;
    expect((await counter.rotate(staff.token)).status).toBe(403);
    const rotated = await counter.rotate(admin, city.city.id);
    expect(rotated.status).toBe(201);
    expect(rotated.body).toMatchObject({ status: 'active', algorithm: 'Ed25519' });
    expect(rotated.body.kid).not.toBe(oldKid);
    const keys = await t.http().get('/api/v1/redemptions/keys').set('Authorization', `Bearer ${staff.token}`);
    expect(keys.body.find((k: any) => k.kid === oldKid).status).toBe('retired');
    expect(keys.body[0]).not.toHaveProperty('privateKeyEnc');

    const fresh = await counter.voucher(listing, city.a1.id);
    expect(parseCode(fresh.code)!.claims.kid).toBe(rotated.body.kid);
    expect((await counter.redeem(staff, old1.code)).status).toBe(200);

    const revoked = await counter.revoke(admin, oldKid);
    expect([revoked.status, revoked.body.status]).toEqual([200, 'revoked']);
    const refused = await counter.redeem(staff, old2.code);
    expect([refused.status, refused.body.code]).toEqual([400, 'INVALID_CODE']);
    expect((await counter.verify(staff, old2.code)).status).toBe(400);
    expect((await counter.redeem(staff, fresh.code)).status).toBe(200);
    expect((await counter.revoke(admin, rotated.body.kid)).body.code).toBe('INVALID_STATE');
    expect((await counter.revoke(admin, 'deadbeef')).status).toBe(404);
    expect((await counter.revoke(admin, 'NOT-A-KID')).status).toBe(400);
    const bundle = await counter.bundle(staff);
    expect(bundle.body.keys.map((k: any) => k.kid)).not.toContain(oldKid);
  });
});
