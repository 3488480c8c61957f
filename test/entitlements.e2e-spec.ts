import jsQR from 'jsqr';
import { generateKeyPairSync, sign } from 'node:crypto';
import { PNG } from 'pngjs';
import { encodeHeader, parseCode, toText } from '../src/signing/code-format';
import { CodeSigner } from '../src/signing/code-signer.service';
import { Perks } from './support/entitlements';
import { createTestApp, TestApp, waitFor } from './support/harness';
import { World } from './support/world';

const codes = (res: Array<{ status: number; body: { code?: string } }>) =>
  res.map((r) => `${r.status} ${r.body.code ?? ''}`.trim());

describe('entitlements: passes, policies, quotas and caps under concurrency', () => {
  let t: TestApp;
  let world: World;
  let perks: Perks;

  beforeAll(async () => {
    t = await createTestApp();
    world = new World(t);
    perks = new Perks(t, world);
  });
  afterAll(() => t?.close());

  it('a resident who earned 180 points this year is eligible for AAA entitlements; at 179, 403 NOT_ELIGIBLE with the reason', async () => {
    const { city, hospital, canteen } = await perks.city();
    const aaa = await perks.resident(city.a1.id, 180);
    const aa = await perks.resident(city.a1.id, 179);

    const pass = await perks.pass(aaa);
    expect(pass.creditLevel).toBe('AAA');
    const meal = await perks.verify(canteen.staff, pass.code, 'canteen_meal');
    expect(meal.status).toBe(200);
    expect(meal.body).toMatchObject({ eligible: true, creditLevel: 'AAA', remaining: 10, yearlyQuota: 10 });
    expect(meal.body.resident).toEqual({ id: aaa.id, displayName: '李桂英' });
    const checkup = await perks.verify(hospital.staff, pass.code, 'checkup_discount');
    expect(checkup.body).toMatchObject({ eligible: true, discountPercent: 20 });
    const deferred = await perks.verify(hospital.staff, pass.code, 'treat_first_pay_later');
    expect(deferred.body).toMatchObject({ eligible: true, outstandingFen: 0, maxOutstandingFen: 500_000 });
    const waiver = await perks.use(hospital.staff, pass.code, 'deposit_waiver', 300_000);
    expect(waiver.status).toBe(201);
    expect(waiver.body).toMatchObject({ kind: 'deposit_waiver', status: 'recorded', creditLevel: 'AAA' });
    const discounted = await perks.use(hospital.staff, pass.code, 'checkup_discount', 25_000);
    expect(discounted.body).toMatchObject({ discountPercent: 20, payableFen: 20_000 });

    const weak = await perks.pass(aa);
    expect(weak.creditLevel).toBe('AA');
    const no = await perks.verify(canteen.staff, weak.code, 'canteen_meal');
    expect(no.status).toBe(200);
    expect(no.body).toMatchObject({
      eligible: false,
      reason: 'credit_level_too_low',
      creditLevel: 'AA',
      minCreditLevel: 'AAA',
    });
    const refused = await perks.use(canteen.staff, weak.code, 'canteen_meal');
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('NOT_ELIGIBLE');
    expect(refused.body.details).toMatchObject({
      reason: 'credit_level_too_low',
      creditLevel: 'AA',
      minCreditLevel: 'AAA',
    });
    expect(refused.body.message).toContain('AA is below the required AAA');
    expect(await world.count('entitlement_uses', 'resident_id = ?', [aa.id])).toBe(0);

    // The pass carries the level at issue time, the counter re-checks the live one: one more point is enough.
    await perks.shop.give(city.a1.id, [aa.id], 1);
    const now = await perks.verify(canteen.staff, weak.code, 'canteen_meal');
    expect(now.body).toMatchObject({ eligible: true, creditLevel: 'AAA', passCreditLevel: 'AA' });
    expect((await perks.use(canteen.staff, weak.code, 'canteen_meal')).status).toBe(201);
  });

  it('11 parallel canteen-meal uses with one meal left: one succeeds, ten answer 409 QUOTA_EXHAUSTED', async () => {
    const { city, canteen } = await perks.city();
    const r = await perks.resident(city.a1.id, 200);
    for (let i = 1; i <= 9; i++) {
      expect((await perks.used(canteen.staff, r, 'canteen_meal')).remaining).toBe(10 - i);
    }
    const pass = await perks.pass(r);
    const res = await Promise.all(
      Array.from({ length: 11 }, (_, i) =>
        perks.use(canteen.staff, pass.code, 'canteen_meal', undefined, `meal-${i}`),
      ),
    );
    expect(codes(res).sort()).toEqual(['201', ...Array(10).fill('409 QUOTA_EXHAUSTED')]);
    expect(res.find((x) => x.status === 201)!.body.remaining).toBe(0);
    expect(res.find((x) => x.status === 409)!.body.details).toMatchObject({
      limit: 'yearly_quota',
      yearlyQuota: 10,
    });
    expect(await world.count('entitlement_uses', "resident_id = ? AND kind = 'canteen_meal'", [r.id])).toBe(
      10,
    );
    const [counter] = await t.sql('SELECT used FROM entitlement_counters WHERE resident_id = ?', [r.id]);
    expect(Number(counter.used)).toBe(10);
    const after = await perks.verify(canteen.staff, pass.code, 'canteen_meal');
    expect(after.body).toMatchObject({ eligible: false, reason: 'quota_exhausted', remaining: 0 });
  });

  it('10 parallel deferred bills that together pass the cap: exactly those that fit are recorded', async () => {
    const { city, hospital } = await perks.city();
    const officer = await world.user(['street_officer'], city.streetA.id);
    await perks.policy(officer, city.streetA.id, 'treat_first_pay_later', {
      minCreditLevel: 'AAA',
      maxOutstandingFen: 100_000,
    });
    const r = await perks.resident(city.a2.id, 180);
    const pass = await perks.pass(r);
    const res = await Promise.all(
      Array.from({ length: 10 }, () => perks.use(hospital.staff, pass.code, 'treat_first_pay_later', 15_000)),
    );
    // 6 × 15,000 = 90,000 fits under 100,000; a seventh would not.
    expect(codes(res).sort()).toEqual([...Array(6).fill('201'), ...Array(4).fill('409 QUOTA_EXHAUSTED')]);
    for (const x of res.filter((y) => y.status === 409)) {
      expect(x.body.details).toMatchObject({
        limit: 'max_outstanding',
        maxOutstandingFen: 100_000,
        requestedFen: 15_000,
      });
    }
    expect(await perks.balance(r.id)).toEqual({ outstandingFen: 90_000, overdueCount: 0 });
    const [sum] = await t.sql(
      "SELECT SUM(amount_fen) s, COUNT(*) n FROM entitlement_uses WHERE resident_id = ? AND status = 'outstanding'",
      [r.id],
    );
    expect([Number(sum.s), Number(sum.n)]).toEqual([90_000, 6]);
    expect(
      (await perks.verify(hospital.staff, pass.code, 'treat_first_pay_later', 10_000)).body,
    ).toMatchObject({
      eligible: true,
      availableFen: 10_000,
    });
    expect(
      (await perks.verify(hospital.staff, pass.code, 'treat_first_pay_later', 10_001)).body,
    ).toMatchObject({
      eligible: false,
      reason: 'cap_reached',
    });
    const missing = await perks.use(hospital.staff, pass.code, 'treat_first_pay_later');
    expect([missing.status, missing.body.code, missing.body.details.fields[0].field]).toEqual([
      400,
      'VALIDATION_FAILED',
      'amountFen',
    ]);
  });

  it('an expired pass answers 410 PASS_EXPIRED; an altered, forged or voucher code 400 INVALID_CODE', async () => {
    const { city, canteen, hospital } = await perks.city();
    const r = await perks.resident(city.a1.id, 200);
    const signer = t.app.get(CodeSigner);
    const expired = await signer.sign({
      type: 'pass',
      subject: r.id,
      aux: null,
      expiresAt: new Date(Date.now() - 1000),
      extra: 3,
    });
    for (const res of [
      await perks.verify(canteen.staff, expired.code, 'canteen_meal'),
      await perks.use(canteen.staff, expired.code, 'canteen_meal'),
    ]) {
      expect([res.status, res.body.code]).toEqual([410, 'PASS_EXPIRED']);
    }
    const { code } = await perks.pass(r);
    const i = 40;
    const altered = code.slice(0, i) + (code[i] === 'A' ? 'B' : 'A') + code.slice(i + 1);
    const voucher = await signer.sign({
      type: 'voucher',
      subject: r.id,
      aux: null,
      expiresAt: new Date(Date.now() + 60_000),
      extra: 3,
    });
    // Forged: well formed, the real key id, a higher level, signed with someone else's key.
    const header = encodeHeader({
      ...parseCode(code)!.claims,
      extra: 3,
      expiresAt: new Date(Date.now() + 60_000),
    });
    const forged = toText(header, sign(null, header, generateKeyPairSync('ed25519').privateKey));
    for (const bad of [altered, forged, code.slice(0, -2), voucher.code, 'JFnot-a-pass']) {
      const v = await perks.verify(hospital.staff, bad, 'deposit_waiver');
      expect([v.status, v.body.code]).toEqual([400, 'INVALID_CODE']);
      const u = await perks.use(hospital.staff, bad, 'deposit_waiver');
      expect([u.status, u.body.code]).toEqual([400, 'INVALID_CODE']);
    }
    expect(await world.count('entitlement_uses', 'resident_id = ?', [r.id])).toBe(0);
  });

  it('canteen staff recording treat_first_pay_later: 403; hospital staff recording a meal, merchants and residents: 403', async () => {
    const { city, canteen, hospital } = await perks.city();
    const merchant = await perks.mall.provider('merchant', city.a1.id);
    const r = await perks.resident(city.a1.id, 200);
    const { code } = await perks.pass(r);
    const wrong = await perks.use(canteen.staff, code, 'treat_first_pay_later', 10_000);
    expect([wrong.status, wrong.body.code]).toEqual([403, 'FORBIDDEN']);
    expect(wrong.body.details.allowedKinds).toEqual(['canteen_meal']);
    expect((await perks.use(hospital.staff, code, 'canteen_meal')).status).toBe(403);
    expect((await perks.verify(canteen.staff, code, 'deposit_waiver')).status).toBe(403);
    expect((await perks.use(merchant.staff, code, 'canteen_meal')).status).toBe(403);
    expect((await perks.use(r, code, 'canteen_meal')).status).toBe(403);
    expect(await world.count('entitlement_uses', 'resident_id = ?', [r.id])).toBe(0);

    // Entitlements are recognised within a city: a resident of another city is not eligible here.
    const elsewhere = await perks.resident((await world.community()).id, 200);
    const foreign = (await perks.pass(elsewhere)).code;
    expect((await perks.verify(hospital.staff, foreign, 'deposit_waiver')).body).toMatchObject({
      eligible: false,
      reason: 'other_city',
      creditLevel: 'AAA',
    });
    const notHere = await perks.use(hospital.staff, foreign, 'deposit_waiver');
    expect([notHere.status, notHere.body.code, notHere.body.details.reason]).toEqual([
      403,
      'NOT_ELIGIBLE',
      'other_city',
    ]);
  });

  it('policies inherit down the region tree: a street policy applies to its communities unless one sets its own', async () => {
    const { city, canteen } = await perks.city();
    const officer = await world.user(['street_officer'], city.streetA.id);
    const admin = await world.admin();
    const set = await perks.policy(officer, city.streetA.id, 'canteen_meal', {
      minCreditLevel: 'AA',
      yearlyQuota: 3,
    });
    expect(set).toMatchObject({
      kind: 'canteen_meal',
      sourceRegionId: city.streetA.id,
      inherited: false,
      yearlyQuota: 3,
    });
    await perks.policy(admin, city.a2.id, 'canteen_meal', { minCreditLevel: 'AAA', yearlyQuota: 5 });

    const a1 = await perks.policies(officer, city.a1.id);
    expect(a1.canteen_meal).toMatchObject({
      sourceRegionId: city.streetA.id,
      sourceRegionName: city.streetA.name,
      inherited: true,
      minCreditLevel: 'AA',
      yearlyQuota: 3,
    });
    expect(a1.treat_first_pay_later).toMatchObject({
      sourceRegionId: null,
      maxOutstandingFen: 500_000,
      overdueAfterDays: 30,
    });
    expect((await perks.policies(admin, city.a2.id)).canteen_meal).toMatchObject({
      sourceRegionId: city.a2.id,
      inherited: false,
      yearlyQuota: 5,
    });
    expect((await perks.policies(admin, city.b1.id)).canteen_meal).toMatchObject({
      sourceRegionId: null,
      minCreditLevel: 'AAA',
      yearlyQuota: 10,
    });

    // AA residents (120 points): a meal in a1 (street A's policy), none in a2 (its own) or b1 (the default).
    const [inA1, inA2, inB1] = await Promise.all(
      [city.a1, city.a2, city.b1].map((c) => perks.resident(c.id, 120)),
    );
    const verdict = async (r: typeof inA1) =>
      (await perks.verify(canteen.staff, (await perks.pass(r)).code, 'canteen_meal')).body;
    expect(await verdict(inA1)).toMatchObject({
      eligible: true,
      remaining: 3,
      policyRegionId: city.streetA.id,
    });
    expect(await verdict(inA2)).toMatchObject({ eligible: false, reason: 'credit_level_too_low' });
    expect(await verdict(inB1)).toMatchObject({
      eligible: false,
      reason: 'credit_level_too_low',
      policyRegionId: null,
    });

    // Clearing a2's own policy: it inherits street A's again.
    const cleared = await perks.api(admin).delete(`/regions/${city.a2.id}/entitlement-policies/canteen_meal`);
    expect(cleared.body).toMatchObject({ sourceRegionId: city.streetA.id, inherited: true });

    // Scope, roles and validation.
    const otherOfficer = await world.user(['street_officer'], city.streetB.id);
    const outside = await perks.putPolicy(otherOfficer, city.streetA.id, 'canteen_meal', {
      minCreditLevel: 'A',
    });
    expect([outside.status, outside.body.code]).toEqual([404, 'NOT_FOUND']);
    const communityAdmin = await world.communityAdmin(city.a1.id);
    const denied = await perks.putPolicy(communityAdmin, city.a1.id, 'canteen_meal', { minCreditLevel: 'A' });
    expect([denied.status, denied.body.code]).toEqual([403, 'FORBIDDEN']);
    const misplaced = await perks.putPolicy(admin, city.a1.id, 'canteen_meal', {
      minCreditLevel: 'A',
      maxOutstandingFen: 5,
    });
    expect([misplaced.status, misplaced.body.details.fields[0].field]).toEqual([400, 'maxOutstandingFen']);
    const badKind = await perks.putPolicy(admin, city.a1.id, 'free_taxi', { minCreditLevel: 'A' });
    expect([badKind.status, badKind.body.details.fields[0].field]).toEqual([400, 'kind']);
    const noDiscount = await perks.putPolicy(admin, city.a1.id, 'checkup_discount', { minCreditLevel: 'A' });
    expect([noDiscount.status, noDiscount.body.details.fields[0].field]).toEqual([400, 'discountPercent']);
  });

  it('hospitals list and settle their own bills; street offices see outstanding totals of their region', async () => {
    const { city, hospital } = await perks.city();
    const other = await perks.mall.provider('hospital', city.district.id);
    const [ra, rb] = await Promise.all([perks.resident(city.a1.id, 200), perks.resident(city.b1.id, 200)]);
    const billA = await perks.used(hospital.staff, ra, 'treat_first_pay_later', 12_000);
    const billB = await perks.used(hospital.staff, rb, 'treat_first_pay_later', 30_000);
    await perks.used(other.staff, ra, 'treat_first_pay_later', 5_000);
    await perks.used(hospital.staff, ra, 'deposit_waiver');
    expect(billA).toMatchObject({ status: 'outstanding', outstandingFen: 12_000, amountFen: 12_000 });
    expect(new Date(billA.dueAt).getTime() - new Date(billA.createdAt).getTime()).toBe(30 * 86_400_000);

    const mine = await perks.list(hospital.staff, { status: 'outstanding' });
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((u: { id: string }) => u.id).sort()).toEqual([billA.id, billB.id].sort());
    expect(mine.body.totals).toEqual({ outstandingFen: 42_000, overdueFen: 0, count: 2, overdueCount: 0 });
    expect(mine.body.items[0].residentName).toBe('李桂英');
    const page = await perks.list(hospital.staff, { limit: '1' });
    expect(page.body.items).toHaveLength(1);
    const next = await perks.list(hospital.staff, { limit: '1', cursor: page.body.nextCursor });
    expect(next.body.items[0].id).not.toBe(page.body.items[0].id);

    const streetA = await world.user(['street_officer'], city.streetA.id);
    const region = await perks.list(streetA, { status: 'outstanding' });
    expect(region.body.totals).toEqual({ outstandingFen: 17_000, overdueFen: 0, count: 2, overdueCount: 0 });
    expect(region.body.items.every((u: { residentId: string }) => u.residentId === ra.id)).toBe(true);

    // Another hospital cannot settle it; the recording hospital can, once (a second call changes nothing).
    expect((await perks.settle(other.staff, billA.id)).status).toBe(404);
    const settled = await perks.settle(hospital.staff, billA.id, '收据 0001');
    expect(settled.status).toBe(200);
    expect(settled.body).toMatchObject({ status: 'settled', outstandingFen: 5_000, overdueBills: 0 });
    const again = await perks.settle(hospital.staff, billA.id);
    expect(again.body).toMatchObject({ status: 'settled', outstandingFen: 5_000 });
    expect(await perks.balance(ra.id)).toEqual({ outstandingFen: 5_000, overdueCount: 0 });
    expect(
      (await perks.list(hospital.staff, { status: 'settled' })).body.items.map((u: { id: string }) => u.id),
    ).toEqual([billA.id]);
    const waiver = (await perks.list(hospital.staff, { kind: 'deposit_waiver' })).body.items[0];
    expect((await perks.settle(hospital.staff, waiver.id)).body.code).toBe('INVALID_STATE');
    expect((await perks.list(ra)).status).toBe(403);
  });

  it('a use with an Idempotency-Key is recorded once; the pass PNG decodes to a pass that verifies offline', async () => {
    const { city, canteen } = await perks.city();
    const r = await perks.resident(city.a1.id, 200);
    const { code } = await perks.pass(r);
    const res = await Promise.all(
      Array.from({ length: 5 }, () => perks.use(canteen.staff, code, 'canteen_meal', undefined, 'meal-once')),
    );
    expect(res.map((x) => x.status)).toEqual(Array(5).fill(201));
    expect(new Set(res.map((x) => x.body.id)).size).toBe(1);
    expect(await world.count('entitlement_uses', 'resident_id = ?', [r.id])).toBe(1);

    const png = await perks.api(r).get('/me/pass.png').buffer(true);
    expect(png.status).toBe(200);
    expect(png.headers['content-type']).toBe('image/png');
    const img = PNG.sync.read(png.body as Buffer);
    const scanned = jsQR(new Uint8ClampedArray(img.data), img.width, img.height)!.data;
    const keys = await perks.api(canteen.staff).get('/entitlements/pass-keys');
    const claims = t.app.get(CodeSigner).verifyOffline(scanned, keys.body.keys);
    expect(claims).toMatchObject({ type: 'pass', subject: r.id, extra: 3 });
    expect(claims!.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(300_000);
    const mine = await perks.api(r).get('/me/entitlements');
    const meal = mine.body.entitlements.find((e: { kind: string }) => e.kind === 'canteen_meal');
    expect(meal).toMatchObject({ eligible: true, remaining: 9 });
  });
});

describe('entitlements over time: passes expire, unpaid bills become overdue', () => {
  let t: TestApp;
  let world: World;
  let perks: Perks;

  beforeAll(async () => {
    t = await createTestApp({
      env: { PASS_TTL_SECONDS: '3', ENTITLEMENT_OVERDUE_SECONDS: '2', ENTITLEMENT_SWEEP_MS: '200' },
    });
    world = new World(t);
    perks = new Perks(t, world);
  });
  afterAll(() => t?.close());

  it('a pass stops working within seconds of being issued (410 PASS_EXPIRED)', async () => {
    const { city, canteen } = await perks.city();
    const r = await perks.resident(city.a1.id, 200);
    const pass = await perks.pass(r);
    expect(new Date(pass.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(3000);
    const expired = await waitFor(
      () => perks.verify(canteen.staff, pass.code, 'canteen_meal'),
      (res) => res.status !== 200,
      { timeoutMs: 10_000, everyMs: 200, what: 'the pass to expire' },
    );
    expect([expired.status, expired.body.code]).toEqual([410, 'PASS_EXPIRED']);
  });

  it('an overdue bill suspends treat first, pay later; settling it restores it', async () => {
    const { city, hospital } = await perks.city();
    const officer = await world.user(['street_officer'], city.streetA.id);
    const r = await perks.resident(city.a1.id, 200);
    const bill = await perks.used(hospital.staff, r, 'treat_first_pay_later', 20_000);
    expect(bill.status).toBe('outstanding');
    await waitFor(
      () => perks.useStatus(bill.id),
      (s) => s === 'overdue',
      { what: 'the bill to become overdue' },
    );
    const [row] = await t.sql('SELECT overdue_at >= due_at AS ok FROM entitlement_uses WHERE id = ?', [
      bill.id,
    ]);
    expect(Number(row.ok)).toBe(1);
    expect(await perks.balance(r.id)).toEqual({ outstandingFen: 20_000, overdueCount: 1 });

    let pass = await perks.pass(r);
    expect((await perks.verify(hospital.staff, pass.code, 'treat_first_pay_later')).body).toMatchObject({
      eligible: false,
      reason: 'suspended_overdue_bill',
      overdueBills: 1,
    });
    const refused = await perks.use(hospital.staff, pass.code, 'treat_first_pay_later', 1_000);
    expect([refused.status, refused.body.code, refused.body.details.reason]).toEqual([
      403,
      'NOT_ELIGIBLE',
      'suspended_overdue_bill',
    ]);
    // Only treat first, pay later is suspended.
    expect((await perks.use(hospital.staff, pass.code, 'deposit_waiver')).status).toBe(201);
    const totals = (await perks.list(officer, { status: 'overdue' })).body;
    expect(totals.totals).toMatchObject({ overdueFen: 20_000, outstandingFen: 20_000, overdueCount: 1 });
    expect(totals.items.map((u: { id: string }) => u.id)).toEqual([bill.id]);
    const notes = await perks.api(r).get('/me/notifications');
    expect(notes.body.items.map((n: { kind: string }) => n.kind)).toContain('entitlement_bill_overdue');

    const settled = await perks.settle(hospital.staff, bill.id);
    expect(settled.body).toMatchObject({ status: 'settled', outstandingFen: 0, overdueBills: 0 });
    expect(await perks.balance(r.id)).toEqual({ outstandingFen: 0, overdueCount: 0 });
    pass = await perks.pass(r);
    expect((await perks.verify(hospital.staff, pass.code, 'treat_first_pay_later')).body).toMatchObject({
      eligible: true,
      overdueBills: 0,
    });
    expect((await perks.use(hospital.staff, pass.code, 'treat_first_pay_later', 1_000)).status).toBe(201);
  });
});
