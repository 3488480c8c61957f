import { randomUUID } from 'node:crypto';
import { Mall } from './support/catalog';
import { createTestApp, TestApp, waitFor } from './support/harness';
import { Shop } from './support/orders';
import { Counter } from './support/redemption';
import { User, World } from './support/world';

/** Tables any counter or review route writes: a refused self-service leaves them as they were. */
const WRITTEN = [
  'awards',
  'transfers',
  'declarations',
  'entitlement_uses',
  'entitlement_counters',
  'entitlement_balances',
  'redemptions',
  'offline_scans',
  'redemption_disputes',
  'idempotency_keys',
];

/**
 * Staff never serve themselves: their own pass (entitlement verify and use) and bill (settle), their
 * own voucher (online verify and redeem, offline batch, a dispute about it), an award to
 * themselves, a review of their own declaration all answer 403 SELF_SERVICE_FORBIDDEN (offline: the
 * scan is `invalid`) and write nothing, while a colleague serves them as anyone else. A resident
 * belongs to no partner organisation.
 */
describe('staff never serve themselves', () => {
  let t: TestApp;
  let world: World;
  let mall: Mall;
  let shop: Shop;
  let counter: Counter;
  let city: Awaited<ReturnType<Mall['city']>>;

  beforeAll(async () => {
    t = await createTestApp();
    world = new World(t);
    mall = new Mall(t, world);
    shop = new Shop(t);
    counter = new Counter(t, world);
    city = await mall.city();
  });
  afterAll(() => t?.close());

  const as = (u: User) => ({
    get: (path: string) => t.http().get(`/api/v1${path}`).set('Authorization', `Bearer ${u.token}`),
    post: (path: string, body: object = {}, key?: string) => {
      const req = t.http().post(`/api/v1${path}`).set('Authorization', `Bearer ${u.token}`);
      if (key) req.set('Idempotency-Key', key);
      return req.send(body);
    },
    patch: (path: string, body: object) =>
      t.http().patch(`/api/v1${path}`).set('Authorization', `Bearer ${u.token}`).send(body),
  });
  const footprint = async () => {
    const out: Record<string, number> = {};
    for (const table of WRITTEN) out[table] = await world.count(table);
    return out;
  };
  const selfRefusal = (res: { status: number; body: any }) => [res.status, res.body.code];

  it('hospital staff who are residents: their own pass is refused at verify and use; a colleague serves them', async () => {
    const hospital = await world.organization('第一人民医院', 'hospital', city.district.id);
    const nurse = await world.user(['resident', 'hospital_staff'], city.a1.id, {
      organizationId: hospital.id,
    });
    const colleague = await world.user(['hospital_staff'], city.district.id, { organizationId: hospital.id });
    await shop.give(city.a1.id, [nurse.id], 200);
    const pass = (await as(nurse).get('/me/pass')).body;
    const before = await footprint();
    for (const kind of ['treat_first_pay_later', 'deposit_waiver', 'checkup_discount']) {
      const body = {
        passCode: pass.code,
        kind,
        ...(kind === 'treat_first_pay_later' ? { amountFen: 5000 } : {}),
      };
      expect(selfRefusal(await as(nurse).post('/entitlements/verify', body))).toEqual([
        403,
        'SELF_SERVICE_FORBIDDEN',
      ]);
      expect(selfRefusal(await as(nurse).post('/entitlements/uses', body))).toEqual([
        403,
        'SELF_SERVICE_FORBIDDEN',
      ]);
      // With an idempotency key too (the key does not turn the refusal into a replayable success).
      expect(selfRefusal(await as(nurse).post('/entitlements/uses', body, randomUUID()))).toEqual([
        403,
        'SELF_SERVICE_FORBIDDEN',
      ]);
    }
    expect(await footprint()).toEqual(before);
    const served = await as(colleague).post('/entitlements/uses', {
      passCode: pass.code,
      kind: 'deposit_waiver',
    });
    expect([served.status, served.body.residentId]).toEqual([201, nurse.id]);

    // A bill a colleague recorded for them is not theirs to mark paid either.
    const bill = await as(colleague).post('/entitlements/uses', {
      passCode: pass.code,
      kind: 'treat_first_pay_later',
      amountFen: 8000,
    });
    expect(bill.status).toBe(201);
    const own = await as(nurse).post(`/entitlements/uses/${bill.body.id}/settle`, {});
    expect(selfRefusal(own)).toEqual([403, 'SELF_SERVICE_FORBIDDEN']);
    const [row] = await t.sql('SELECT status FROM entitlement_uses WHERE id = ?', [bill.body.id]);
    expect(row.status).toBe('outstanding');
    const settled = await as(colleague).post(`/entitlements/uses/${bill.body.id}/settle`, {});
    expect([settled.status, settled.body.status]).toEqual([200, 'settled']);
  });

  it('canteen staff who are residents: no meal on their own pass', async () => {
    const canteen = await world.organization('老年食堂', 'canteen', city.a1.id);
    const cook = await world.user(['resident', 'canteen_staff'], city.a1.id, { organizationId: canteen.id });
    await shop.give(city.a1.id, [cook.id], 200);
    const pass = (await as(cook).get('/me/pass')).body;
    const body = { passCode: pass.code, kind: 'canteen_meal' };
    const before = await footprint();
    expect(selfRefusal(await as(cook).post('/entitlements/verify', body))).toEqual([
      403,
      'SELF_SERVICE_FORBIDDEN',
    ]);
    expect(selfRefusal(await as(cook).post('/entitlements/uses', body))).toEqual([
      403,
      'SELF_SERVICE_FORBIDDEN',
    ]);
    expect(await footprint()).toEqual(before);
  });

  it('merchant staff who are residents: their own voucher is refused online and offline; a colleague redeems it', async () => {
    const { org, staff: colleague } = await mall.provider('merchant', city.a1.id);
    const cashier = await world.user(['resident', 'merchant_staff'], city.a1.id, { organizationId: org.id });
    const listing = await mall.create(colleague, city.a1.id, { pointsPrice: 10, stock: null });
    await shop.give(city.a1.id, [cashier.id], 100);
    const placed = await shop.order(cashier, listing.id, 1, randomUUID());
    expect(placed.status).toBe(201);
    await waitFor(
      () => shop.get(cashier, placed.body.id),
      (r) => r.body.status === 'ready',
      { what: 'order ready' },
    );
    const voucher = (await as(cashier).get(`/orders/${placed.body.id}/voucher`)).body;
    const before = await footprint();
    expect(selfRefusal(await counter.verify(cashier, voucher.code))).toEqual([403, 'SELF_SERVICE_FORBIDDEN']);
    expect(selfRefusal(await counter.redeem(cashier, voucher.code))).toEqual([403, 'SELF_SERVICE_FORBIDDEN']);
    expect(selfRefusal(await counter.redeem(cashier, voucher.code, { key: randomUUID() }))).toEqual([
      403,
      'SELF_SERVICE_FORBIDDEN',
    ]);
    expect(await footprint()).toEqual(before);

    // Offline: the scan is recorded as invalid and nothing is captured.
    const [scan] = counter.scans(
      [{ orderId: placed.body.id, code: voucher.code, expiresAt: voucher.expiresAt, resident: cashier }],
      'self',
    );
    const batch = await counter.batch(cashier, 'till-9', [scan]);
    expect(batch.status).toBe(200);
    expect(batch.body.results).toEqual([
      { scanId: scan.scanId, status: 'invalid', orderId: placed.body.id, reason: 'self_service_forbidden' },
    ]);
    expect(await footprint()).toEqual({ ...before, offline_scans: before.offline_scans + 1 });
    expect((await shop.get(cashier, placed.body.id)).body.status).toBe('ready');

    const served = await counter.redeem(colleague, voucher.code);
    expect([served.status, served.body.order.status]).toEqual([200, 'redeemed']);

    // A colleague's till scanned the same voucher offline: a dispute, which is not the cashier's to resolve.
    const again = await counter.batch(colleague, 'till-2', [{ ...scan, scanId: 'colleague-1' }]);
    expect(again.body.results[0].status).toBe('conflict');
    const [dispute] = await t.sql('SELECT id FROM redemption_disputes WHERE order_id = ?', [placed.body.id]);
    const resolve = (u: User) => counter.resolve(u, dispute.id, { resolution: 'merchant_absorbs' });
    expect(selfRefusal(await resolve(cashier))).toEqual([403, 'SELF_SERVICE_FORBIDDEN']);
    expect(await world.count('redemption_disputes', "id = ? AND status = 'open'", [dispute.id])).toBe(1);
    expect((await resolve(colleague)).status).toBe(200);
  });

  it('community staff who are residents: no award to themselves, no review of their own declaration', async () => {
    const admin = await world.communityAdmin(city.a1.id);
    const rule = await as(admin).post(`/communities/${city.a1.id}/point-rules`, {
      kind: 'item',
      name: '文明楼道',
      points: 3,
    });
    const staffResident = await world.user(['resident', 'community_staff'], city.a1.id);
    const colleague = await world.staff(city.a1.id);
    const before = await footprint();
    const award = await as(staffResident).post('/awards', {
      residentId: staffResident.id,
      ruleId: rule.body.id,
    });
    expect(selfRefusal(award)).toEqual([403, 'SELF_SERVICE_FORBIDDEN']);
    const keyed = await as(staffResident).post(
      '/awards',
      { residentId: staffResident.id, ruleId: rule.body.id },
      randomUUID(),
    );
    expect(selfRefusal(keyed)).toEqual([403, 'SELF_SERVICE_FORBIDDEN']);
    expect(await footprint()).toEqual(before);

    const declared = await as(staffResident).post('/declarations', {
      ruleId: rule.body.id,
      occurredAt: new Date(Date.now() - 60_000).toISOString(),
      note: '打扫楼道',
    });
    expect(declared.status).toBe(201);
    const afterDeclaring = await footprint();
    expect(selfRefusal(await as(staffResident).post(`/declarations/${declared.body.id}/approve`))).toEqual([
      403,
      'SELF_SERVICE_FORBIDDEN',
    ]);
    expect(
      selfRefusal(
        await as(staffResident).post(`/declarations/${declared.body.id}/reject`, { reason: '自己' }),
      ),
    ).toEqual([403, 'SELF_SERVICE_FORBIDDEN']);
    expect(await footprint()).toEqual(afterDeclaring);

    // A colleague does both for them.
    expect(
      (await as(colleague).post('/awards', { residentId: staffResident.id, ruleId: rule.body.id })).status,
    ).toBe(201);
    const approved = await as(colleague).post(`/declarations/${declared.body.id}/approve`);
    expect([approved.status, approved.body.status]).toEqual([200, 'approved']);
  });

  describe('a resident belongs to no partner organisation', () => {
    it('refuses to create or change such a user, naming organizationId, and writes nothing', async () => {
      const admin = await world.communityAdmin(city.a1.id);
      const { org: merchant } = await mall.provider('merchant', city.a1.id);
      const committee = await world.organization('居委会', 'community', city.a1.id);
      const users = await world.count('users');
      const create = (roles: string[], organizationId: string) =>
        as(admin).post('/users', {
          username: `r${randomUUID().slice(0, 8)}`,
          password: 'pass-word-123',
          displayName: '钱多多',
          roles,
          regionId: city.a1.id,
          organizationId,
        });
      for (const [roles, orgId] of [
        [['resident'], merchant.id],
        [['resident'], committee.id],
        [['resident', 'community_staff'], merchant.id],
        [['resident', 'grid_worker'], merchant.id],
      ] as Array<[string[], string]>) {
        const res = await create(roles, orgId);
        expect([res.status, res.body.code, res.body.details.fields[0].field]).toEqual([
          400,
          'VALIDATION_FAILED',
          'organizationId',
        ]);
      }
      expect(await world.count('users')).toBe(users);

      const resident = await world.resident(city.a1.id);
      const patched = await as(admin).patch(`/users/${resident.id}`, { organizationId: merchant.id });
      expect([patched.status, patched.body.details.fields[0].field]).toEqual([400, 'organizationId']);
      const [row] = await t.sql('SELECT organization_id FROM users WHERE id = ?', [resident.id]);
      expect(row.organization_id).toBeNull();
      // Merchant staff who also live in the community are fine (the role fits the organisation).
      expect((await create(['resident', 'merchant_staff'], merchant.id)).status).toBe(201);
      // Taking the staff role away needs the organisation to go too.
      const both = await world.user(['resident', 'merchant_staff'], city.a1.id, {
        organizationId: merchant.id,
      });
      const dropRole = await as(admin).patch(`/users/${both.id}`, { roles: ['resident'] });
      expect([dropRole.status, dropRole.body.details.fields[0].field]).toEqual([400, 'organizationId']);
      const dropBoth = await as(admin).patch(`/users/${both.id}`, {
        roles: ['resident'],
        organizationId: null,
      });
      expect([dropBoth.status, dropBoth.body.roles, dropBoth.body.organizationId]).toEqual([
        200,
        ['resident'],
        null,
      ]);
    });

    it('keeps partner staff inside their organisation’s region', async () => {
      const { org: merchant } = await mall.provider('merchant', city.a1.id);
      const res = await t
        .http()
        .post('/api/v1/users')
        .set('Authorization', `Bearer ${await world.admin()}`)
        .send({
          username: `m${randomUUID().slice(0, 8)}`,
          password: 'pass-word-123',
          displayName: '郑国庆',
          roles: ['merchant_staff'],
          regionId: city.city.id,
          organizationId: merchant.id,
        });
      expect([res.status, res.body.details.fields[0].field]).toEqual([400, 'regionId']);
    });
  });

  describe('administrators manage users of their scope, never themselves', () => {
    it('refuses own status and roles, users above the caller, and deleted users', async () => {
      const admin = await world.communityAdmin(city.a1.id);
      const peer = await world.communityAdmin(city.a1.id);
      const resident = await world.resident(city.a1.id);
      const own = await as(admin).post(`/users/${admin.id}/disable`);
      expect(selfRefusal(own)).toEqual([403, 'SELF_SERVICE_FORBIDDEN']);
      expect(
        selfRefusal(await as(admin).patch(`/users/${admin.id}`, { roles: ['community_staff'] })),
      ).toEqual([403, 'SELF_SERVICE_FORBIDDEN']);
      const del = await t
        .http()
        .delete(`/api/v1/users/${admin.id}`)
        .set('Authorization', `Bearer ${admin.token}`);
      expect(selfRefusal(del)).toEqual([403, 'SELF_SERVICE_FORBIDDEN']);
      // Their own name is theirs to change.
      expect((await as(admin).patch(`/users/${admin.id}`, { displayName: '孙丽萍' })).status).toBe(200);
      // A peer admin is above what a community admin may grant; so is making someone an admin.
      expect((await as(admin).post(`/users/${peer.id}/disable`)).status).toBe(403);
      const promote = await as(admin).patch(`/users/${resident.id}`, { roles: ['community_admin'] });
      expect([promote.status, promote.body.code]).toEqual([403, 'FORBIDDEN']);
      // A bad body names the field and writes nothing.
      const bad = await as(admin).patch(`/users/${resident.id}`, { displayName: null, status: 'gone' });
      expect(bad.status).toBe(400);
      expect(bad.body.details.fields.map((f: { field: string }) => f.field).sort()).toEqual([
        'displayName',
        'status',
      ]);
      // Disable, enable, delete; a deleted user is shown but no longer changed.
      expect((await as(admin).patch(`/users/${resident.id}`, { status: 'disabled' })).body.status).toBe(
        'disabled',
      );
      expect((await as(admin).post(`/users/${resident.id}/enable`)).body.status).toBe('active');
      const gone = await t
        .http()
        .delete(`/api/v1/users/${resident.id}`)
        .set('Authorization', `Bearer ${admin.token}`);
      expect(gone.status).toBe(204);
      expect((await as(admin).get(`/users/${resident.id}`)).body.status).toBe('deleted');
      const late = await as(admin).patch(`/users/${resident.id}`, { displayName: '新名字' });
      expect([late.status, late.body.code]).toEqual([409, 'INVALID_STATE']);
      // A deleted resident is no longer found by the counters and the earning staff.
      const rule = await as(admin).post(`/communities/${city.a1.id}/point-rules`, {
        kind: 'item',
        name: '义务巡逻',
        points: 2,
      });
      const staff = await world.staff(city.a1.id);
      const award = await as(staff).post('/awards', { residentId: resident.id, ruleId: rule.body.id });
      expect(award.status).toBe(404);
    });
  });
});
