import { OrderSweeper } from '../src/orders/order-sweeper.service';
import { CodeSigner } from '../src/signing/code-signer.service';
import { createTestApp, TestApp } from './support/harness';
import { Counter } from './support/redemption';
import { World } from './support/world';

const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

describe('offline redemption: bundle, batch upload, allowance, disputes', () => {
  let t: TestApp;
  let world: World;
  let counter: Counter;

  beforeAll(async () => {
    // The expiry sweeper is driven by hand here (deadlines are moved into the past on purpose).
    t = await createTestApp({ env: { ORDER_SWEEP_MS: '3600000' } });
    world = new World(t);
    counter = new Counter(t, world);
  });
  afterAll(() => t?.close());

  it('a batch of 100 scans uploaded twice at once: each scan counted once; uploading it again changes nothing', async () => {
    const { city, org, staff, listing } = await counter.merchant({ pointsPrice: 10 });
    const allowance = await counter.setAllowance(staff, { maxScans: 1000, maxPoints: 100_000 });
    expect(allowance.status).toBe(200);
    expect(allowance.body).toEqual({
      organizationId: org.id,
      maxScans: 1000,
      maxPoints: 100_000,
      bundleTtlSeconds: 86_400,
    });
    const vs = await counter.vouchers(listing, 100, city.a1.id);
    const scans = counter.scans(vs, 'tablet1');
    const [a, b] = await Promise.all([
      counter.batch(staff, 'tablet-1', scans),
      counter.batch(staff, 'tablet-1', scans),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const all = [...a.body.results, ...b.body.results];
    const count = (s: string) => all.filter((r: any) => r.status === s).length;
    expect({ accepted: count('accepted'), duplicate: count('duplicate') }).toEqual({
      accepted: 100,
      duplicate: 100,
    });
    for (const [i, scan] of scans.entries()) {
      const pair = [a.body.results[i], b.body.results[i]];
      expect(pair.map((r: any) => r.scanId)).toEqual([scan.scanId, scan.scanId]);
      expect(pair.map((r: any) => r.status).sort()).toEqual(['accepted', 'duplicate']);
      expect(pair.map((r: any) => r.orderId)).toEqual([vs[i].orderId, vs[i].orderId]);
      expect(pair.find((r: any) => r.status === 'duplicate').firstStatus).toBe('accepted');
      expect(pair.some((r: any) => r.overAllowance)).toBe(false);
    }
    const ids = vs.map((v) => v.orderId);
    expect(
      await world.count('redemptions', "order_id IN (?) AND channel = 'offline' AND device_id = 'tablet-1'", [
        ids,
      ]),
    ).toBe(100);
    expect(await world.count('offline_scans', "organization_id = ? AND status = 'accepted'", [org.id])).toBe(
      100,
    );
    const holds = await counter.resolutions(ids);
    expect([...holds.values()].every((r) => r.length === 1 && r[0].phase === 'post')).toBe(true);
    expect(await counter.captured(org.id)).toBe(1000);
    const [scanned] = await t.sql('SELECT scanned_at FROM redemptions WHERE order_id = ?', [vs[7].orderId]);
    expect(new Date(scanned.scanned_at).toISOString()).toBe(scans[7].scannedAt);

    const before = await counter.footprint();
    const replay = await counter.batch(staff, 'tablet-1', scans);
    expect(new Set(replay.body.results.map((r: any) => r.status))).toEqual(new Set(['duplicate']));
    expect(await counter.footprint()).toEqual(before);
  });

  it('a voucher redeemed online and then found in an offline batch becomes a dispute, not a second capture', async () => {
    const { city, org, staff, listing } = await counter.merchant({ pointsPrice: 35 });
    const [v, w] = await counter.vouchers(listing, 2, city.a1.id);
    expect((await counter.redeem(staff, v.code, { deviceId: 'till-1' })).status).toBe(200);
    // w is scanned by two offline devices: the resident used one voucher twice.
    const res = await counter.batch(staff, 'tablet-2', [
      { code: v.code, scannedAt: ago(30_000), scanId: 'tablet2-1' },
      { code: w.code, scannedAt: ago(20_000), scanId: 'tablet2-2' },
    ]);
    expect(res.body.results).toEqual([
      { scanId: 'tablet2-1', status: 'conflict', orderId: v.orderId, reason: 'already_redeemed' },
      { scanId: 'tablet2-2', status: 'accepted', orderId: w.orderId },
    ]);
    const second = await counter.batch(staff, 'tablet-3', [
      { code: w.code, scannedAt: ago(10_000), scanId: 'x-1' },
    ]);
    expect(second.body.results).toEqual([
      { scanId: 'x-1', status: 'conflict', orderId: w.orderId, reason: 'already_redeemed' },
    ]);
    const holds = await counter.resolutions([v.orderId, w.orderId]);
    expect(holds.get(v.orderId)).toEqual([{ phase: 'post', amount: 35 }]);
    expect(holds.get(w.orderId)).toEqual([{ phase: 'post', amount: 35 }]);
    expect(await counter.captured(org.id)).toBe(70);
    expect(await world.count('redemptions', 'organization_id = ?', [org.id])).toBe(2);

    // Who sees the disputes: the organisation, the resident's community, its street; nobody else.
    const open = await counter.disputes(staff, { status: 'open' });
    expect(open.status).toBe(200);
    expect(open.body.items).toHaveLength(2);
    const dv = open.body.items.find((d: any) => d.orderId === v.orderId);
    expect(dv).toMatchObject({
      organizationId: org.id,
      communityId: city.a1.id,
      deviceId: 'tablet-2',
      scanId: 'tablet2-1',
      kind: 'already_redeemed',
      status: 'open',
      listingId: listing.id,
      points: 35,
      resident: { displayName: '李*英' },
    });
    const communityStaff = await world.staff(city.a1.id);
    const streetOfficer = await world.user(['street_officer'], city.streetA.id);
    const cityAdmin = await world.user(['city_admin'], city.city.id);
    for (const u of [communityStaff, streetOfficer, cityAdmin])
      expect((await counter.disputes(u)).body.items.map((d: any) => d.id).sort()).toEqual(
        open.body.items.map((d: any) => d.id).sort(),
      );
    const otherMerchant = (await counter.mall.provider('merchant', city.a1.id)).staff;
    const otherCommunity = await world.staff(city.a2.id);
    const otherStreet = await world.user(['street_officer'], city.streetB.id);
    for (const u of [otherMerchant, otherCommunity, otherStreet])
      expect((await counter.disputes(u)).body.items).toHaveLength(0);
    expect((await counter.disputes(v.resident)).status).toBe(403);
    expect((await counter.resolve(otherMerchant, dv.id, { resolution: 'merchant_absorbs' })).status).toBe(
      404,
    );

    const bad = await counter.resolve(staff, dv.id, { resolution: 'forgotten' });
    expect([bad.status, bad.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const done = await counter.resolve(staff, dv.id, {
      resolution: 'merchant_absorbs',
      note: '顾客已领取两次,商家承担',
    });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      status: 'resolved',
      resolution: 'merchant_absorbs',
      resolvedBy: staff.id,
    });
    expect(done.body.resolvedAt).toBeTruthy();
    const again = await counter.resolve(communityStaff, dv.id, { resolution: 'reversed' });
    expect([again.status, again.body.code]).toEqual([409, 'ALREADY_RESOLVED']);
    const other = open.body.items.find((d: any) => d.orderId === w.orderId);
    expect(
      (await counter.resolve(communityStaff, other.id, { resolution: 'resident_contacted' })).status,
    ).toBe(200);
    expect((await counter.disputes(staff, { status: 'open' })).body.items).toHaveLength(0);
    expect((await counter.disputes(staff, { status: 'resolved' })).body.items).toHaveLength(2);

    // Uploading the batch again raises no second dispute.
    const replay = await counter.batch(staff, 'tablet-2', [
      { code: v.code, scannedAt: ago(30_000), scanId: 'tablet2-1' },
    ]);
    expect(replay.body.results[0]).toMatchObject({
      status: 'duplicate',
      firstStatus: 'conflict',
      orderId: v.orderId,
    });
    expect(await world.count('redemption_disputes', 'organization_id = ?', [org.id])).toBe(2);
  });

  it('cancelled and expired vouchers become disputes; a scan made before the deadline is honoured after it', async () => {
    const { city, org, staff, listing } = await counter.merchant({ pointsPrice: 10 });
    const [cancelled, expired, inTime, tooLate] = await counter.vouchers(listing, 4, city.a1.id);
    expect((await counter.shop.cancel(cancelled.resident, cancelled.orderId)).status).toBe(200);
    const past =
      'UPDATE orders SET expires_at = DATE_SUB(CURRENT_TIMESTAMP(3), INTERVAL 5 SECOND) WHERE id IN (?)';
    await t.sql(past, [[expired.orderId]]);
    await t.app.get(OrderSweeper).expireDue();
    expect(await counter.shop.status(expired.orderId)).toBe('expired');
    // Deadline passed a few seconds ago, not swept yet: one scan was made before it, one after.
    await t.sql(past, [[inTime.orderId, tooLate.orderId]]);
    const res = await counter.batch(staff, 'tablet-4', [
      { code: cancelled.code, scannedAt: ago(60_000), scanId: 's-1' },
      { code: expired.code, scannedAt: ago(60_000), scanId: 's-2' },
      { code: inTime.code, scannedAt: ago(60_000), scanId: 's-3' },
      { code: tooLate.code, scannedAt: ago(1_000), scanId: 's-4' },
    ]);
    expect(res.body.results.map((r: any) => [r.scanId, r.status, r.reason ?? null])).toEqual([
      ['s-1', 'conflict', 'cancelled'],
      ['s-2', 'conflict', 'expired'],
      ['s-3', 'accepted', null],
      ['s-4', 'conflict', 'expired'],
    ]);
    expect(await counter.shop.status(inTime.orderId)).toBe('redeemed');
    expect(await counter.shop.status(tooLate.orderId)).toBe('ready');
    expect(await counter.captured(org.id)).toBe(10);
    const kinds = await t.sql('SELECT order_id, kind FROM redemption_disputes WHERE organization_id = ?', [
      org.id,
    ]);
    expect(Object.fromEntries(kinds.map((k: any) => [k.order_id, k.kind]))).toEqual({
      [cancelled.orderId]: 'cancelled',
      [expired.orderId]: 'expired',
      [tooLate.orderId]: 'expired',
    });
    const holds = await counter.resolutions([
      cancelled.orderId,
      expired.orderId,
      inTime.orderId,
      tooLate.orderId,
    ]);
    expect(holds.get(cancelled.orderId)).toEqual([{ phase: 'void', amount: 10 }]);
    expect(holds.get(expired.orderId)).toEqual([{ phase: 'void', amount: 10 }]);
    expect(holds.get(inTime.orderId)).toEqual([{ phase: 'post', amount: 10 }]);
    expect(holds.get(tooLate.orderId)).toEqual([]);
  });

  it('scans past the allowance are still captured but flagged, in the order they were made', async () => {
    const { city, org, staff, listing } = await counter.merchant({ pointsPrice: 10 });
    expect((await counter.setAllowance(staff, { maxScans: 2, maxPoints: 1000 })).status).toBe(200);
    const vs = await counter.vouchers(listing, 7, city.a1.id);
    // Sent newest first: the allowance follows scannedAt, not the order of the batch.
    const byCount = counter.scans(vs.slice(0, 4), 'count').reverse();
    const res = await counter.batch(staff, 'tablet-5', byCount);
    expect(res.body.results.map((r: any) => [r.scanId, r.status, !!r.overAllowance])).toEqual([
      ['count-3', 'accepted', true],
      ['count-2', 'accepted', true],
      ['count-1', 'accepted', false],
      ['count-0', 'accepted', false],
    ]);
    const flagged = await t.sql(
      'SELECT scan_id FROM offline_scans WHERE device_id = ? AND over_allowance = 1 ORDER BY scan_id',
      ['tablet-5'],
    );
    expect(flagged.map((f: any) => f.scan_id)).toEqual(['count-2', 'count-3']);

    // Points: 25 allowed, 10 a scan: the third is over.
    const admin = await world.admin();
    const set = await counter.setAllowance({ token: admin } as any, {
      organizationId: org.id,
      maxScans: 100,
      maxPoints: 25,
    });
    expect(set.body).toMatchObject({ maxScans: 100, maxPoints: 25 });
    const byPoints = await counter.batch(staff, 'tablet-6', counter.scans(vs.slice(4), 'points'));
    expect(byPoints.body.results.map((r: any) => !!r.overAllowance)).toEqual([false, false, true]);
    expect(await counter.captured(org.id)).toBe(70);

    // Who may set it: the organisation's staff or a city administrator (naming the organisation).
    expect((await counter.setAllowance({ token: admin } as any, { maxScans: 1, maxPoints: 1 })).status).toBe(
      400,
    );
    const stranger = (await counter.mall.provider('merchant', city.a1.id)).staff;
    const foreign = await counter.setAllowance(stranger, {
      organizationId: org.id,
      maxScans: 1,
      maxPoints: 1,
    });
    expect([foreign.status, foreign.body.code]).toEqual([403, 'WRONG_ORGANIZATION']);
    expect((await counter.setAllowance(vs[0].resident, { maxScans: 1, maxPoints: 1 })).status).toBe(403);
    expect((await counter.setAllowance(staff, { maxScans: -1, maxPoints: 1 })).status).toBe(400);
  });

  it('forged, altered and foreign codes are invalid (recorded once); malformed batches are refused whole', async () => {
    const { city, staff, listing } = await counter.merchant({ pointsPrice: 10 });
    const other = await counter.merchant({ pointsPrice: 10 });
    const [v] = await counter.vouchers(listing, 1, city.a1.id);
    const [foreign] = await counter.vouchers(other.listing, 1, other.city.a1.id);
    const altered = v.code.slice(0, 50) + (v.code[50] === 'A' ? 'B' : 'A') + v.code.slice(51);
    const scans = [
      { code: altered, scannedAt: ago(5_000), scanId: 'bad-1' },
      { code: 'not a code', scannedAt: ago(4_000), scanId: 'bad-2' },
      { code: foreign.code, scannedAt: ago(3_000), scanId: 'bad-3' },
    ];
    const res = await counter.batch(staff, 'tablet-7', scans);
    expect(res.body.results).toEqual([
      { scanId: 'bad-1', status: 'invalid', reason: 'invalid_code' },
      { scanId: 'bad-2', status: 'invalid', reason: 'invalid_code' },
      { scanId: 'bad-3', status: 'invalid', reason: 'wrong_organization' },
    ]);
    expect(
      (await counter.batch(staff, 'tablet-7', scans)).body.results.map((r: any) => r.firstStatus),
    ).toEqual(['invalid', 'invalid', 'invalid']);
    expect(await counter.shop.status(foreign.orderId)).toBe('ready');
    expect(await counter.shop.status(v.orderId)).toBe('ready');

    const before = await counter.footprint();
    const future = await counter.batch(staff, 'tablet-7', [
      { code: v.code, scannedAt: ago(1_000), scanId: 'ok-1' },
      { code: v.code, scannedAt: new Date(Date.now() + 3_600_000).toISOString(), scanId: 'ok-2' },
    ]);
    expect([future.status, future.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(future.body.details.fields).toEqual([
      { field: 'scans[1].scannedAt', problems: [expect.any(String)] },
    ]);
    const tooMany = Array.from({ length: 501 }, (_, i) => ({
      code: v.code,
      scannedAt: ago(1_000),
      scanId: `m-${i}`,
    }));
    expect((await counter.batch(staff, 'tablet-7', tooMany)).status).toBe(400);
    expect(
      (await counter.batch(staff, 'bad device!', [{ code: v.code, scannedAt: ago(1), scanId: 'ok-3' }]))
        .status,
    ).toBe(400);
    expect(
      (await counter.batch(staff, 'tablet-7', [{ code: v.code, scannedAt: 'yesterday', scanId: 'ok-4' }]))
        .status,
    ).toBe(400);
    expect(
      (await counter.batch(v.resident, 'tablet-7', [{ code: v.code, scannedAt: ago(1), scanId: 'ok-5' }]))
        .status,
    ).toBe(403);
    expect(await counter.footprint()).toEqual(before);
  });

  it('the offline bundle lists a voucher cancelled a moment ago, with the keys to check codes alone', async () => {
    const { city, org, staff, listing } = await counter.merchant({ pointsPrice: 10 });
    const [cancelled, redeemed, ready] = await counter.vouchers(listing, 3, city.a1.id);
    expect((await counter.redeem(staff, redeemed.code)).status).toBe(200);
    expect((await counter.shop.cancel(cancelled.resident, cancelled.orderId)).status).toBe(200);
    const bundle = await counter.bundle(staff, 'tablet-8');
    expect(bundle.status).toBe(200);
    expect(bundle.body).toMatchObject({
      organizationId: org.id,
      deviceId: 'tablet-8',
      allowance: { maxScans: 50, maxPoints: 5000 },
    });
    expect(bundle.body.revoked).toEqual(expect.arrayContaining([cancelled.orderId, redeemed.orderId]));
    expect(bundle.body.revoked).not.toContain(ready.orderId);
    const ttl = Date.parse(bundle.body.validUntil) - Date.parse(bundle.body.generatedAt);
    expect(ttl).toBe(86_400_000);
    expect(bundle.body.keys[0]).toEqual({
      kid: expect.any(String),
      publicKey: expect.any(String),
      algorithm: 'Ed25519',
    });
    // What a scanner does offline with the bundle: the keys verify a genuine code and nothing else.
    const signer = t.app.get(CodeSigner);
    expect(signer.verifyOffline(ready.code, bundle.body.keys)).toMatchObject({
      subject: ready.orderId,
      aux: org.id,
    });
    expect(signer.verifyOffline(ready.code.slice(0, -2) + 'AA', bundle.body.keys)).toBeNull();

    const other = await counter.merchant();
    expect((await counter.bundle(other.staff)).body.revoked).toEqual([]);
    expect((await counter.bundle(ready.resident)).status).toBe(403);
    expect(
      (await counter.setAllowance(staff, { maxScans: 5, maxPoints: 50, bundleTtlSeconds: 3600 })).status,
    ).toBe(200);
    const short = await counter.bundle(staff);
    expect(Date.parse(short.body.validUntil) - Date.parse(short.body.generatedAt)).toBe(3_600_000);
    expect(short.body.allowance).toEqual({ maxScans: 5, maxPoints: 50 });
  });
});
