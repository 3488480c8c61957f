import { localDay } from '../src/redemption/redemption-rules';
import { createTestApp, TestApp } from './support/harness';
import { Counter } from './support/redemption';
import { World } from './support/world';

// Read routes and answer fields the web app needs: per-resident orderability with reasons,
// resident search for desk staff, a counter's scans of the day, and names in redemption answers.
describe('routes for the web app', () => {
  let t: TestApp;
  let world: World;
  let counter: Counter;

  beforeAll(async () => {
    t = await createTestApp();
    world = new World(t);
    counter = new Counter(t, world);
  });
  afterAll(() => t?.close());

  const get = (token: string, path: string, query: Record<string, string> = {}) =>
    t.http().get(`/api/v1${path}`).query(query).set('Authorization', `Bearer ${token}`);

  it('GET /me/orderability gives every reason a listing cannot be ordered, in the order asked', async () => {
    const { city, staff } = await counter.merchant();
    const m = counter.mall;
    const cheap = await m.create(staff, city.a1.id, { pointsPrice: 10, stock: null });
    const dear = await m.create(staff, city.a1.id, { pointsPrice: 500, stock: null });
    const aaa = await m.create(staff, city.a1.id, {
      pointsPrice: 10,
      stock: null,
      eligibility: { minCreditLevel: 'AAA' },
    });
    const elderly = await m.create(staff, city.a1.id, {
      pointsPrice: 10,
      stock: null,
      eligibility: { minAge: 60 },
    });
    const once = await m.create(staff, city.a1.id, {
      pointsPrice: 10,
      stock: null,
      perResidentLimit: { count: 1, period: 'year' },
    });
    const last = await m.create(staff, city.a1.id, { pointsPrice: 10, stock: 1 });
    const [resident, other] = await counter.shop.residents(city.a1.id, 2, 100);
    expect((await counter.shop.order(resident, once.id)).status).toBe(201);
    expect((await counter.shop.order(other, last.id)).status).toBe(201);
    const hidden = await m.create(staff, city.a1.id, { pointsPrice: 10, stock: null });
    await t
      .http()
      .post(`/api/v1/listings/${hidden.id}/unpublish`)
      .set('Authorization', `Bearer ${staff.token}`)
      .expect(200);
    const ids = [cheap, dear, aaa, elderly, once, last, hidden].map((l) => l.id);

    const res = await get(resident.token, '/me/orderability', { listingIds: ids.join(',') });
    expect(res.status).toBe(200);
    expect(res.body.available).toBe(90);
    expect(res.body.items.map((i: any) => i.listingId)).toEqual(ids);
    const by = (id: string) => res.body.items.find((i: any) => i.listingId === id);
    expect(by(cheap.id)).toEqual({ listingId: cheap.id, orderable: true, reasons: [] });
    expect(by(dear.id).reasons).toEqual([
      { reason: 'insufficient_points', required: 500, available: 90, missing: 410 },
    ]);
    expect(by(aaa.id).reasons).toEqual([{ reason: 'credit_level', required: 'AAA', actual: 'A' }]);
    expect(by(elderly.id).reasons).toEqual([{ reason: 'age_unknown', required: 60 }]);
    expect(by(once.id).reasons).toEqual([{ reason: 'limit_reached', limit: 1, period: 'year', used: 1 }]);
    expect(by(last.id).reasons).toEqual([{ reason: 'out_of_stock' }]);
    expect(by(hidden.id)).toMatchObject({
      orderable: false,
      reasons: [{ reason: 'not_available', detail: 'unpublished' }],
    });

    // Another city's listing is not found; bad ids name the field; staff are refused.
    const elsewhere = await counter.merchant();
    const foreign = await get(resident.token, '/me/orderability', { listingIds: elsewhere.listing.id });
    expect(foreign.body.items).toEqual([
      { listingId: elsewhere.listing.id, orderable: false, reasons: [{ reason: 'not_found' }] },
    ]);
    const bad = await get(resident.token, '/me/orderability', { listingIds: `${cheap.id},nope` });
    expect([bad.status, bad.body.code, bad.body.details.fields[0].field]).toEqual([
      400,
      'VALIDATION_FAILED',
      'listingIds',
    ]);
    expect((await get(resident.token, '/me/orderability')).status).toBe(400);
    expect((await get(staff.token, '/me/orderability', { listingIds: cheap.id })).body.code).toBe(
      'FORBIDDEN',
    );
  });

  it('GET /residents finds residents of the caller’s scope by name, household number or username', async () => {
    const { city } = await counter.merchant();
    const staff = await world.staff(city.a1.id);
    const wang = await world.user(['resident'], city.a1.id, {
      displayName: '王建国',
      householdNo: 'A1-0301',
    } as any);
    await world.user(['resident'], city.a1.id, { displayName: '李桂芳', householdNo: 'A1-0302' } as any);
    const neighbour = await world.user(['resident'], city.a2.id, {
      displayName: '王建华',
      householdNo: 'A2-0101',
    } as any);

    const byName = await get(staff.token, '/residents', { q: '王建' });
    expect(byName.status).toBe(200);
    expect(byName.body.items).toEqual([
      {
        id: wang.id,
        displayName: '王建国',
        username: wang.username,
        householdNo: 'A1-0301',
        regionId: city.a1.id,
        regionName: expect.any(String),
      },
    ]);
    const byHousehold = await get(staff.token, '/residents', { q: 'A1-030' });
    expect(byHousehold.body.items.map((i: any) => i.householdNo)).toEqual(['A1-0301', 'A1-0302']);
    expect((await get(staff.token, '/residents', { q: 'A2-0101' })).body.items).toEqual([]);
    // A street officer sees the whole street; `%` is matched literally.
    const officer = await world.user(['street_officer'], city.streetA.id);
    const street = await get(officer.token, '/residents', { q: '王建' });
    expect(street.body.items.map((i: any) => i.id).sort()).toEqual([wang.id, neighbour.id].sort());
    expect((await get(officer.token, '/residents', { q: '%' })).body.items).toEqual([]);
    expect(
      (await get(officer.token, '/residents', { q: '王', communityId: city.a2.id })).body.items.map(
        (i: any) => i.id,
      ),
    ).toEqual([neighbour.id]);
    // Out of scope, bad input, wrong role.
    const other = await counter.merchant();
    expect((await get(staff.token, '/residents', { q: '王', communityId: other.city.a1.id })).status).toBe(
      404,
    );
    const empty = await get(staff.token, '/residents', { q: '' });
    expect([empty.status, empty.body.details.fields[0].field]).toEqual([400, 'q']);
    expect(
      (await get(staff.token, '/residents', { q: '王', limit: '500' })).body.details.fields[0].field,
    ).toBe('limit');
    expect((await get(wang.token, '/residents', { q: '王' })).body.code).toBe('FORBIDDEN');
  });

  it('redemption answers name the organisation and the staff member, mask the resident, carry no resident id', async () => {
    const { city, org, staff, listing } = await counter.merchant();
    const v = await counter.voucher(listing, city.a1.id);
    const ok = await counter.redeem(staff, v.code, { deviceId: 'till-7' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      organization: { id: org.id, name: org.name },
      redeemedBy: staff.id,
      redeemedByName: '张小红',
      resident: { displayName: '李*英' },
      listing: { id: listing.id, title: listing.title },
      deviceId: 'till-7',
    });
    expect(JSON.stringify(ok.body)).not.toContain(v.resident.id);

    const again = await counter.redeem(staff, v.code);
    expect([again.status, again.body.code]).toEqual([409, 'ALREADY_REDEEMED']);
    expect(again.body.details).toMatchObject({
      redeemedAt: ok.body.redeemedAt,
      redeemedBy: staff.id,
      redeemedByName: '张小红',
      organizationId: org.id,
      organizationName: org.name,
      deviceId: 'till-7',
    });
    expect(JSON.stringify(again.body)).not.toContain(v.resident.id);

    const verify = await counter.verify(staff, v.code);
    expect(verify.body).toMatchObject({
      wouldRedeem: false,
      organization: { id: org.id, name: org.name },
      resident: { displayName: '李*英' },
    });
    expect(JSON.stringify(verify.body)).not.toContain(v.resident.id);

    const stranger = await counter.merchant();
    const wrong = await counter.redeem(stranger.staff, v.code);
    expect([wrong.status, wrong.body.code, wrong.body.details]).toEqual([
      403,
      'WRONG_ORGANIZATION',
      { organizationId: org.id, organizationName: org.name },
    ]);
  });

  it('GET /redemptions/scans lists the counter’s scans of the day, online and offline, newest first', async () => {
    const { city, org, staff, listing } = await counter.merchant();
    const [a, b, c] = await counter.vouchers(listing, 3, city.a1.id);
    expect((await counter.redeem(staff, a.code, { deviceId: 'till-1' })).status).toBe(200);
    expect((await counter.redeem(staff, a.code, { deviceId: 'till-1' })).status).toBe(409);
    expect((await counter.redeem(staff, 'JFnot-a-code')).status).toBe(400);
    const batch = await counter.batch(staff, 'till-2', counter.scans([b, c], 'scan'));
    expect(batch.body.results.map((r: any) => r.status)).toEqual(['accepted', 'accepted']);
    // Another counter's voucher scanned here shows as wrong_organization, without its details.
    const stranger = await counter.merchant();
    const foreign = await counter.voucher(stranger.listing, stranger.city.a1.id);
    expect((await counter.redeem(staff, foreign.code)).status).toBe(403);

    const res = await get(staff.token, '/redemptions/scans');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      organizationId: org.id,
      organizationName: org.name,
      date: localDay(new Date()),
      scans: 6,
      redeemed: 3,
      points: 90,
    });
    expect(res.body.items.map((i: any) => i.result).sort()).toEqual(
      ['already_redeemed', 'invalid', 'redeemed', 'redeemed', 'redeemed', 'wrong_organization'].sort(),
    );
    const times = res.body.items.map((i: any) => Date.parse(i.at));
    expect([...times].sort((x, y) => y - x)).toEqual(times);
    const online = res.body.items.find((i: any) => i.result === 'redeemed' && i.channel === 'online');
    expect(online).toMatchObject({
      orderId: a.orderId,
      listingTitle: listing.title,
      points: 30,
      resident: { displayName: '李*英' },
      staff: { displayName: '张小红' },
      deviceId: 'till-1',
    });
    expect(res.body.items.filter((i: any) => i.channel === 'offline').map((i: any) => i.deviceId)).toEqual([
      'till-2',
      'till-2',
    ]);
    const wrong = res.body.items.find((i: any) => i.result === 'wrong_organization');
    expect(wrong).toMatchObject({ orderId: null, listingTitle: null, resident: null });

    expect((await get(staff.token, '/redemptions/scans', { date: '2020-01-01' })).body).toMatchObject({
      scans: 0,
      items: [],
    });
    expect((await get(stranger.staff.token, '/redemptions/scans')).body).toMatchObject({
      scans: 1,
      redeemed: 0,
    });
    for (const date of ['today', '2026-02-30', '2026-13-01']) {
      const bad = await get(staff.token, '/redemptions/scans', { date });
      expect([bad.status, bad.body.details.fields[0].field]).toEqual([400, 'date']);
    }
    expect((await get(a.resident.token, '/redemptions/scans')).body.code).toBe('FORBIDDEN');
  });
});
