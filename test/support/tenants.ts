import { randomUUID } from 'node:crypto';
import type { Role } from '../../src/common/actor';
import { parseCode } from '../../src/signing/code-format';
import { Mall, TestCity } from './catalog';
import { Funding, thisYear } from './funding';
import { TestApp, waitFor } from './harness';
import { Shop } from './orders';
import { Counter } from './redemption';
import type { User, World } from './world';

export interface Org {
  id: string;
  name: string;
  type: string;
  regionId: string;
}

/** The users of one community: every community role, a resident with history, and partner staff. */
export interface CommunityTenant {
  community: { id: string };
  resident: User;
  admin: User;
  staff: User;
  grid: User;
  merchant: { org: Org; staff: User };
  canteen: { org: Org; staff: User };
  hospital: { org: Org; staff: User };
}

/**
 * A world of tenants for sweeps over every operation:
 * - `a`: community a1 of city 1 (street A) with every role and objects of every kind: a rule book,
 *   an award, a declaration, a base-grant run, a listing, an order with its voucher, a dispute, a
 *   deferred hospital bill, a donation, a funding report, thresholds and a policy;
 * - `b`: community b1 of the same city, on another street, with every role (other tenants);
 * - `x`: community a1 of city 2, with every role, its city administrator and street officer.
 */
export interface TenantWorld {
  city1: TestCity;
  city2: TestCity;
  a: CommunityTenant & {
    neighbour: User;
    streetOfficer: User;
    cityAdmin: User;
  };
  b: CommunityTenant & {
    streetOfficer: User;
    /**
     * Staff of b1's merchant whose user row names the whole city (rows written before partner staff
     * had to live inside their organisation's region): still a tenant of b1 only.
     */
    wideMerchantStaff: User;
  };
  x: {
    community: { id: string };
    cityAdmin: User;
    streetOfficer: User;
    admin: User;
    staff: User;
    grid: User;
    resident: User;
    merchant: { org: Org; staff: User };
    canteen: { org: Org; staff: User };
    hospital: { org: Org; staff: User };
  };
  objects: {
    indicatorId: string;
    ruleId: string;
    awardId: string;
    declarationId: string;
    appealId: string;
    mutualAidId: string;
    householdNo: string;
    year: number;
    listingId: string;
    orderId: string;
    notificationId: string;
    disputeId: string;
    useId: string;
    donationId: string;
    reportId: string;
    kid: string;
  };
}

const key = () => `tenants-${randomUUID()}`;
/** The household of a's resident: a number no other tenant's resident has. */
const SWEEP_HOUSEHOLD = 'SWEEP-A1';

async function ok(res: { status: number; body: any }, expected: number, what: string): Promise<any> {
  if (res.status !== expected) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Builds the world through the API (residents' starting points through the ledger). */
export async function buildTenantWorld(t: TestApp, world: World): Promise<TenantWorld> {
  const mall = new Mall(t, world);
  const shop = new Shop(t);
  const counter = new Counter(t, world);
  const funding = new Funding(t, world);
  const api = (u: User) => ({
    get: (path: string) => t.http().get(`/api/v1${path}`).set('Authorization', `Bearer ${u.token}`),
    post: (path: string, body: object = {}) =>
      t
        .http()
        .post(`/api/v1${path}`)
        .set('Authorization', `Bearer ${u.token}`)
        .set('Idempotency-Key', key())
        .send(body),
    put: (path: string, body: object) =>
      t.http().put(`/api/v1${path}`).set('Authorization', `Bearer ${u.token}`).send(body),
  });

  const city1 = await mall.city();
  const city2 = await mall.city();
  const community = async (c: { id: string }): Promise<CommunityTenant> => {
    const [resident, admin, staff, grid, merchant, canteen, hospital] = await Promise.all([
      world.resident(c.id, { displayName: '李桂英' }),
      world.communityAdmin(c.id),
      world.staff(c.id),
      world.gridWorker(c.id),
      mall.provider('merchant', c.id),
      mall.provider('canteen', c.id),
      mall.provider('hospital', c.id),
    ]);
    return { community: c, resident, admin, staff, grid, merchant, canteen, hospital };
  };
  const role = (roles: Role[], regionId: string) => world.user(roles, regionId);

  const [a, b, x, neighbour, streetA, streetB, cityAdmin1, cityAdmin2, street2] = await Promise.all([
    community(city1.a1),
    community(city1.b1),
    community(city2.a1),
    world.resident(city1.a1.id),
    role(['street_officer'], city1.streetA.id),
    role(['street_officer'], city1.streetB.id),
    role(['city_admin'], city1.city.id),
    role(['city_admin'], city2.city.id),
    role(['street_officer'], city2.streetA.id),
  ]);

  const wideMerchantStaff = await world.user(['merchant_staff'], city1.b1.id, {
    organizationId: b.merchant.org.id,
  });
  await t.sql('UPDATE users SET region_id = ? WHERE id = ?', [city1.city.id, wideMerchantStaff.id]);
  wideMerchantStaff.token = await world.login(wideMerchantStaff.username, wideMerchantStaff.password);

  // Earning: a rule book, an award, a pending declaration, a base grant run.
  const indicator = await ok(
    await api(a.admin).post(`/communities/${city1.a1.id}/point-rules`, {
      kind: 'indicator',
      name: '生态环境',
    }),
    201,
    'indicator',
  );
  const rule = await ok(
    await api(a.admin).post(`/communities/${city1.a1.id}/point-rules`, {
      kind: 'item',
      name: '植树护绿',
      points: 2,
      parentId: indicator.id,
    }),
    201,
    'rule',
  );
  const award = await ok(
    await api(a.staff).post('/awards', { residentId: a.resident.id, ruleId: rule.id }),
    201,
    'award',
  );
  // A deduction and the resident's appeal against it (pending).
  const deductionRule = await ok(
    await api(a.admin).post(`/communities/${city1.a1.id}/point-rules`, {
      kind: 'item',
      name: '毁绿种菜',
      points: -1,
      parentId: indicator.id,
    }),
    201,
    'deduction rule',
  );
  const deduction = await ok(
    await api(a.staff).post('/awards', { residentId: a.resident.id, ruleId: deductionRule.id }),
    201,
    'deduction',
  );
  const appeal = await ok(
    await api(a.resident).post('/appeals', { transferId: deduction.transfer.id, reason: '记错了人' }),
    201,
    'appeal',
  );
  const mutualAid = await ok(
    await api(a.resident).post('/mutual-aid/requests', {
      kind: 'medicine_purchase',
      description: '帮忙去药店买降压药',
      wantedAt: new Date(Date.now() + 24 * 3600_000).toISOString(),
      minutes: 30,
    }),
    201,
    'mutual-aid request',
  );
  await t.sql('UPDATE users SET household_no = ? WHERE id = ?', [SWEEP_HOUSEHOLD, a.resident.id]);
  const declaration = await ok(
    await api(a.resident).post('/declarations', {
      ruleId: rule.id,
      occurredAt: new Date(Date.now() - 3600_000).toISOString(),
      note: '在小区东门种了两棵树',
    }),
    201,
    'declaration',
  );
  const year = new Date().getUTCFullYear();
  await ok(await api(a.admin).post(`/communities/${city1.a1.id}/base-grants`, { year }), 202, 'base grant');
  await waitFor(
    () => api(a.admin).get(`/communities/${city1.a1.id}/base-grants/${year}`),
    (r) => r.body.status === 'done' || r.body.status === 'failed',
    { timeoutMs: 30_000, what: 'base grant done' },
  );
  await ok(
    await api(cityAdmin1).put(`/regions/${city1.a1.id}/credit-thresholds`, { aaa: 180, aa: 120, a: 60 }),
    200,
    'thresholds',
  );
  await ok(
    await api(cityAdmin1).put(`/regions/${city1.a1.id}/entitlement-policies/treat_first_pay_later`, {
      minCreditLevel: 'A',
      maxOutstandingFen: 500_000,
    }),
    200,
    'policy',
  );

  // The mall: a listing of a1 only, two orders of the resident; one redeemed and then scanned
  // offline again (a dispute), the other ready with its voucher.
  await shop.give(city1.a1.id, [a.resident.id], 300);
  const listing = await mall.create(a.merchant.staff, city1.a1.id, { pointsPrice: 20, stock: 50 });
  const order = async () => {
    const placed = await ok(await shop.order(a.resident, listing.id, 1, key()), 201, 'order');
    await waitFor(
      () => shop.get(a.resident, placed.id),
      (r) => r.body.status === 'ready',
      { timeoutMs: 30_000, what: 'order ready' },
    );
    return placed.id as string;
  };
  const orderId = await order();
  const redeemedId = await order();
  const voucher = await ok(await api(a.resident).get(`/orders/${redeemedId}/voucher`), 200, 'voucher');
  await ok(await counter.redeem(a.merchant.staff, voucher.code), 200, 'redeem');
  const [scan] = counter.scans(
    [{ orderId: redeemedId, code: voucher.code, expiresAt: voucher.expiresAt, resident: a.resident }],
    'sweep',
  );
  const batch = await ok(await counter.batch(a.merchant.staff, 'till-1', [scan]), 200, 'offline batch');
  if (batch.results[0].status !== 'conflict')
    throw new Error(`expected a conflict: ${JSON.stringify(batch)}`);
  const [dispute] = await t.sql<{ id: string }>('SELECT id FROM redemption_disputes WHERE order_id = ?', [
    redeemedId,
  ]);
  const notifications = await ok(await api(a.resident).get('/me/notifications'), 200, 'notifications');
  const kid = parseCode(voucher.code)!.claims.kid;

  // A deferred bill at the hospital of a1.
  const pass = await ok(await api(a.resident).get('/me/pass'), 200, 'pass');
  const use = await ok(
    await api(a.hospital.staff).post('/entitlements/uses', {
      passCode: pass.code,
      kind: 'treat_first_pay_later',
      amountFen: 12_000,
    }),
    201,
    'use',
  );

  // Funding: a donation and a built report.
  const donation = await funding.cash(a.staff, city1.a1.id, 'social_donation', 50_000);
  const requested = await ok(
    await api(a.staff).post('/funding-reports', { regionId: city1.a1.id, ...thisYear() }),
    202,
    'report',
  );
  await funding.ready(a.staff, requested.id);
  // Let the worker finish what the setup queued, so that a sweep sees a still database.
  await waitFor(
    () => t.sql<{ n: number | string }>('SELECT COUNT(*) AS n FROM outbox WHERE sent_at IS NULL'),
    (rows) => Number(rows[0].n) === 0,
    { timeoutMs: 30_000, what: 'outbox drained' },
  );

  return {
    city1,
    city2,
    a: { ...a, neighbour, streetOfficer: streetA, cityAdmin: cityAdmin1 },
    b: { ...b, streetOfficer: streetB, wideMerchantStaff },
    x: { ...x, cityAdmin: cityAdmin2, streetOfficer: street2 },
    objects: {
      indicatorId: indicator.id,
      ruleId: rule.id,
      awardId: award.id,
      declarationId: declaration.id,
      appealId: appeal.id,
      mutualAidId: mutualAid.id,
      householdNo: SWEEP_HOUSEHOLD,
      year,
      listingId: listing.id,
      orderId,
      notificationId: notifications.items[0].id,
      disputeId: dispute.id,
      useId: use.id,
      donationId: donation.id,
      reportId: requested.id,
      kid,
    },
  };
}

/** Every user of the other tenants (community b1 of the same city, and city 2). */
export function otherTenants(w: TenantWorld): Array<{ who: string; user: User }> {
  const { b, x } = w;
  return [
    { who: 'b.resident', user: b.resident },
    { who: 'b.community_admin', user: b.admin },
    { who: 'b.community_staff', user: b.staff },
    { who: 'b.grid_worker', user: b.grid },
    { who: 'b.merchant_staff', user: b.merchant.staff },
    { who: 'b.merchant_staff (row naming the city)', user: b.wideMerchantStaff },
    { who: 'b.canteen_staff', user: b.canteen.staff },
    { who: 'b.hospital_staff', user: b.hospital.staff },
    { who: 'b.street_officer', user: b.streetOfficer },
    { who: 'x.city_admin', user: x.cityAdmin },
    { who: 'x.street_officer', user: x.streetOfficer },
    { who: 'x.resident', user: x.resident },
    { who: 'x.community_admin', user: x.admin },
    { who: 'x.community_staff', user: x.staff },
    { who: 'x.grid_worker', user: x.grid },
    { who: 'x.merchant_staff', user: x.merchant.staff },
    { who: 'x.canteen_staff', user: x.canteen.staff },
    { who: 'x.hospital_staff', user: x.hospital.staff },
  ];
}
