import { createTestApp, TestApp } from './support/harness';
import {
  callOperation,
  CallOptions,
  databaseSnapshot,
  Operation,
  openApiOperations,
} from './support/operations';
import { buildTenantWorld, otherTenants, TenantWorld } from './support/tenants';
import { User, World } from './support/world';

/**
 * How to aim each operation that has a path id at an object of community a1 (tenant a): the ids,
 * a valid body (so that a refusal is the scope's, not the validation's), who else counts as another
 * tenant for that object (beyond community b1 and city 2), and for reads the owner who must get 200
 * (so that a 404 is never just a wrong id).
 */
interface Case extends CallOptions {
  /** Users of tenant a who are nonetheless another tenant for this object (another organisation, another resident). */
  alsoForeign?: (w: TenantWorld) => User[];
  owner?: (w: TenantWorld) => User;
}

const NEW_PASSWORD = 'sweep-password-123';

function cases(w: TenantWorld): Record<string, Case> {
  const o = w.objects;
  const a1 = w.city1.a1.id;
  const a = w.a;
  const otherResident = (x: TenantWorld) => [x.a.neighbour];
  const otherPartners = (x: TenantWorld) => [x.a.canteen.staff, x.a.hospital.staff];
  const community = { params: { id: a1 } };
  return {
    // identity
    'GET /users/{id}': { params: { id: a.resident.id }, alsoForeign: otherResident, owner: (x) => x.a.admin },
    'PATCH /users/{id}': {
      params: { id: a.resident.id },
      body: { displayName: '改名' },
      alsoForeign: otherResident,
    },
    'DELETE /users/{id}': { params: { id: a.resident.id }, alsoForeign: otherResident },
    'POST /users/{id}/disable': { params: { id: a.resident.id }, alsoForeign: otherResident },
    'POST /users/{id}/enable': { params: { id: a.resident.id }, alsoForeign: otherResident },
    'POST /users/{id}/password': {
      params: { id: a.resident.id },
      body: { password: NEW_PASSWORD },
      alsoForeign: otherResident,
    },
    'POST /communities/{id}/residents/import': {
      ...community,
      body: '姓名,户号,用户名\n钱多多,H-77,sweep.qian\n',
      contentType: 'text/csv',
    },
    // regions
    'GET /communities/{id}/profile': { ...community, owner: (x) => x.a.admin },
    'PATCH /communities/{id}/profile': { ...community, body: { population: 1 } },
    // earning
    'GET /communities/{id}/point-rules': { ...community, owner: (x) => x.a.resident },
    'POST /communities/{id}/point-rules': { ...community, body: { kind: 'indicator', name: '外来指标' } },
    'POST /communities/{id}/point-rules/import': {
      ...community,
      body: { rules: [{ kind: 'indicator', name: '外来指标' }] },
    },
    'GET /point-rules/{id}': { params: { id: o.ruleId }, owner: (x) => x.a.resident },
    'PATCH /point-rules/{id}': { params: { id: o.ruleId }, body: { name: '改名' } },
    'POST /point-rules/{id}/retire': { params: { id: o.indicatorId } },
    'GET /awards/{id}': { params: { id: o.awardId }, alsoForeign: otherResident, owner: (x) => x.a.resident },
    'GET /declarations/{id}': {
      params: { id: o.declarationId },
      alsoForeign: otherResident,
      owner: (x) => x.a.resident,
    },
    'POST /declarations/{id}/approve': { params: { id: o.declarationId } },
    'POST /declarations/{id}/reject': { params: { id: o.declarationId }, body: { reason: '外来审核' } },
    'POST /communities/{id}/base-grants': { ...community, body: { year: o.year + 1 } },
    'GET /communities/{id}/base-grants/{year}': {
      params: { id: a1, year: o.year },
      owner: (x) => x.a.admin,
    },
    'GET /communities/{id}/boards': { ...community, owner: (x) => x.a.resident },
    // appeals and notices
    'GET /appeals/{id}': {
      params: { id: o.appealId },
      alsoForeign: otherResident,
      owner: (x) => x.a.resident,
    },
    'POST /appeals/{id}/decide': {
      params: { id: o.appealId },
      body: { decision: 'reject', comment: '外来裁决' },
      alsoForeign: otherResident,
    },
    'GET /communities/{id}/notices': { ...community, owner: (x) => x.a.resident },
    'GET /communities/{id}/notices/verify': { ...community, owner: (x) => x.a.resident },
    'GET /communities/{id}/notices/objections': { ...community, owner: (x) => x.a.staff },
    'POST /notices/{seq}/objections': { params: { seq: 1 }, body: { communityId: a1, reason: '外来异议' } },
    'GET /communities/{id}/earning-settings': { ...community, owner: (x) => x.a.admin },
    'PUT /communities/{id}/earning-settings': { ...community, body: { yellowClearDays: 7 } },
    'POST /communities/{id}/points-expiry': { ...community, body: { asOf: '2026-01-01' } },
    'GET /residents/{id}/credit': {
      params: { id: a.resident.id },
      alsoForeign: (x) => [...otherResident(x), ...otherPartners(x), x.a.merchant.staff],
      owner: (x) => x.a.resident,
    },
    'GET /regions/{id}/credit-thresholds': { ...community, owner: (x) => x.a.resident },
    'PUT /regions/{id}/credit-thresholds': { ...community, body: { aaa: 200, aa: 150, a: 90 } },
    'DELETE /regions/{id}/credit-thresholds': community,
    // catalog
    'GET /listings/{id}': { params: { id: o.listingId }, owner: (x) => x.a.resident },
    'PATCH /listings/{id}': { params: { id: o.listingId }, body: { title: '外来标题' } },
    'POST /listings/{id}/restock': { params: { id: o.listingId }, body: { quantity: 1 } },
    'POST /listings/{id}/unpublish': { params: { id: o.listingId } },
    'POST /listings/{id}/publish': { params: { id: o.listingId } },
    // orders
    'GET /orders/{id}': {
      params: { id: o.orderId },
      alsoForeign: (x) => [...otherResident(x), ...otherPartners(x)],
      owner: (x) => x.a.resident,
    },
    'POST /orders/{id}/cancel': {
      params: { id: o.orderId },
      body: { reason: '外来取消' },
      alsoForeign: (x) => [...otherResident(x), ...otherPartners(x)],
    },
    'GET /orders/{id}/voucher': {
      params: { id: o.orderId },
      alsoForeign: otherResident,
      owner: (x) => x.a.resident,
    },
    'GET /orders/{id}/voucher.png': {
      params: { id: o.orderId },
      alsoForeign: otherResident,
      owner: (x) => x.a.resident,
    },
    'GET /orders/{id}/voucher.svg': {
      params: { id: o.orderId },
      alsoForeign: otherResident,
      owner: (x) => x.a.resident,
    },
    // notifications
    'POST /me/notifications/{id}/read': {
      params: { id: o.notificationId },
      alsoForeign: (x) => [...otherResident(x), x.a.admin, x.a.merchant.staff],
    },
    // redemption
    'POST /redemptions/keys/{kid}/revoke': { params: { kid: o.kid } },
    'POST /redemptions/disputes/{id}/resolve': {
      params: { id: o.disputeId },
      body: { resolution: 'merchant_absorbs' },
      alsoForeign: (x) => [...otherPartners(x), x.a.resident, x.a.neighbour],
    },
    // entitlements
    'GET /regions/{id}/entitlement-policies': { ...community, owner: (x) => x.a.resident },
    'PUT /regions/{id}/entitlement-policies/{kind}': {
      params: { id: a1, kind: 'canteen_meal' },
      body: { minCreditLevel: 'A' },
    },
    'DELETE /regions/{id}/entitlement-policies/{kind}': {
      params: { id: a1, kind: 'treat_first_pay_later' },
    },
    'POST /entitlements/uses/{id}/settle': {
      params: { id: o.useId },
      alsoForeign: (x) => [x.a.canteen.staff, x.a.merchant.staff],
    },
    // funding
    'GET /donations/{id}': { params: { id: o.donationId }, owner: (x) => x.a.staff },
    'GET /donations/{id}/trace': { params: { id: o.donationId }, owner: (x) => x.a.staff },
    'POST /communities/{id}/expenses': { ...community, body: { amountFen: 100, purpose: '外来支出' } },
    'GET /communities/{id}/funds': { ...community, owner: (x) => x.a.staff },
    'GET /funding-reports/{id}': { params: { id: o.reportId }, owner: (x) => x.a.staff },
    'GET /funding-reports/{id}.csv': { params: { id: o.reportId }, owner: (x) => x.a.staff },
    'GET /funding-reports/{id}.pdf': { params: { id: o.reportId }, owner: (x) => x.a.staff },
    'GET /funding-reports/{id}/chart.png': { params: { id: o.reportId }, owner: (x) => x.a.staff },
    'POST /funding-reports/{id}/regenerate': { params: { id: o.reportId } },
    'POST /funding-reports/{id}/submit': { params: { id: o.reportId }, body: {} },
    'POST /funding-reports/{id}/review': {
      params: { id: o.reportId },
      body: { decision: 'approve', comment: '外来审核' },
    },
    // mutual aid and households
    'POST /mutual-aid/requests/{id}/claim': { params: { id: o.mutualAidId } },
    'POST /mutual-aid/requests/{id}/complete': { params: { id: o.mutualAidId }, body: { minutes: 30 } },
    'POST /mutual-aid/requests/{id}/confirm': { params: { id: o.mutualAidId } },
    'POST /mutual-aid/requests/{id}/cancel': { params: { id: o.mutualAidId } },
    'GET /households/{householdNo}': {
      params: { householdNo: o.householdNo },
      alsoForeign: otherResident,
      owner: (x) => x.a.resident,
    },
  };
}

/**
 * The tenant sweep: every operation of the OpenAPI document with a path id, aimed at objects of
 * community a1 (and its organisations and city), with the token of every role of every other
 * tenant. Each answer is 404, exactly like a missing object, or 403 FORBIDDEN from the role check
 * for a role that may never call the operation; nothing in the database changes. The objects' own
 * users read them (200), so a 404 here is never just a wrong id.
 */
describe('tenant sweep', () => {
  let t: TestApp;
  let w: TenantWorld;
  let ops: Operation[];
  let table: Record<string, Case>;

  beforeAll(async () => {
    t = await createTestApp();
    w = await buildTenantWorld(t, new World(t));
    ops = (await openApiOperations(t)).filter((op) => op.params.length > 0);
    table = cases(w);
  });
  afterAll(() => t?.close());

  it('has a case for every operation with a path parameter, and no case for an operation that is gone', () => {
    expect(ops.length).toBeGreaterThan(50);
    expect(Object.keys(table).sort()).toEqual(ops.map((op) => op.name).sort());
  });

  it('lets the objects’ own users read them (the ids are right)', async () => {
    const failures: string[] = [];
    for (const op of ops) {
      const c = table[op.name];
      if (!c?.owner) continue;
      const res = await callOperation(t, op, c.owner(w).token, c);
      if (res.status !== 200) failures.push(`${op.name}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    expect(failures).toEqual([]);
  });

  it('answers every other tenant 404 (or 403 for a role that may never call it) and writes nothing', async () => {
    const before = await databaseSnapshot(t);
    const failures: string[] = [];
    let requests = 0;
    for (const op of ops) {
      const c = table[op.name];
      const callers = [
        ...otherTenants(w),
        ...(c.alsoForeign?.(w) ?? []).map((user) => ({ who: `a.${user.roles.join('+')}`, user })),
      ];
      const answers = await Promise.all(callers.map(({ user }) => callOperation(t, op, user.token, c)));
      requests += answers.length;
      answers.forEach((res, i) => {
        const { who, user } = callers[i];
        const roleRefusal =
          res.status === 403 &&
          res.body.code === 'FORBIDDEN' &&
          Array.isArray(res.body.details?.requiredRoles) &&
          !user.roles.some((r) => res.body.details.requiredRoles.includes(r));
        if (res.status !== 404 && !roleRefusal)
          failures.push(`${op.name} as ${who}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
      });
    }
    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(700);
    expect(await databaseSnapshot(t)).toEqual(before);
  });

  it('answers 404 to list filters that name another tenant’s region', async () => {
    const a1 = w.city1.a1.id;
    const get = (u: User, path: string) =>
      t.http().get(`/api/v1${path}`).set('Authorization', `Bearer ${u.token}`);
    const probes: Array<[User, string, string]> = [
      [w.b.admin, `/organizations?regionId=${a1}`, 'b.community_admin'],
      [w.x.cityAdmin, `/organizations?regionId=${a1}`, 'x.city_admin'],
      [w.b.merchant.staff, `/organizations?regionId=${a1}`, 'b.merchant_staff'],
      [w.b.wideMerchantStaff, `/organizations?regionId=${a1}`, 'b.merchant_staff (row naming the city)'],
      [w.b.staff, `/declarations?communityId=${a1}`, 'b.community_staff'],
      [w.b.streetOfficer, `/declarations?residentId=${w.a.resident.id}`, 'b.street_officer'],
      [w.x.resident, `/rankings?regionId=${a1}`, 'x.resident'],
      [w.x.resident, `/listings?regionId=${a1}`, 'x.resident'],
      [w.x.cityAdmin, `/entitlements/uses?regionId=${a1}`, 'x.city_admin'],
      [w.b.streetOfficer, `/entitlements/uses?regionId=${a1}`, 'b.street_officer'],
      [w.b.staff, `/funding-reports?regionId=${a1}`, 'b.community_staff'],
      [w.x.cityAdmin, `/funding-reports?regionId=${a1}`, 'x.city_admin'],
      [w.b.staff, `/mutual-aid/requests?communityId=${a1}`, 'b.community_staff'],
      [w.x.resident, `/mutual-aid/requests?communityId=${a1}`, 'x.resident'],
    ];
    const failures: string[] = [];
    for (const [user, path, who] of probes) {
      const res = await get(user, path);
      if (res.status !== 404) failures.push(`${path} as ${who}: ${res.status}`);
    }
    expect(failures).toEqual([]);
    // The same filters from inside the scope work.
    for (const [user, path] of [
      [w.a.admin, `/organizations?regionId=${a1}`],
      [w.a.staff, `/declarations?communityId=${a1}`],
      [w.a.streetOfficer, `/declarations?residentId=${w.a.resident.id}`],
      [w.b.resident, `/rankings?regionId=${a1}`],
      [w.a.cityAdmin, `/entitlements/uses?regionId=${a1}`],
      [w.a.staff, `/funding-reports?regionId=${a1}`],
    ] as Array<[User, string]>) {
      expect([path, (await get(user, path)).status]).toEqual([path, 200]);
    }
  });
});
