import type { Role } from '../../src/common/actor';
import { Earning } from './earning';
import { Perks } from './entitlements';
import { Funding, thisYear } from './funding';
import { TestApp, waitFor } from './harness';
import { Counter } from './redemption';
import type { User, World } from './world';

/** A path, query and body that a caller of the right role may send: what the fuzzer mutates. */
export interface BaseRequest {
  path: Record<string, string>;
  query: Record<string, string>;
  /** A JSON body (object), or a raw body with its content type (CSV). */
  body?: unknown;
  contentType?: string;
}

/**
 * A small world where every operation has something real to act on: one city with a street office,
 * a community with its admin, staff and grid worker, a merchant, a hospital and a canteen with their
 * staff, residents with points, a rule book, an award, declarations, listings, orders with vouchers,
 * a notification, an offline dispute, signing keys, entitlement uses and a deferred bill, a donation
 * and a built funding report. Everything is made through the HTTP API (residents with points through
 * the ledger, as the other tests do).
 */
export class FuzzWorld {
  readonly tokens = new Map<Role, User>();
  ids: Record<string, string> = {};
  platformAdmin!: User;
  resident!: User;
  /** A resident whose password the fuzzer may change (`POST /users/:id/password`). */
  victim!: User;
  voucherCodes: string[] = [];
  passCode = '';
  year = new Date().getUTCFullYear();

  constructor(
    readonly t: TestApp,
    readonly world: World,
  ) {}

  async build(): Promise<void> {
    const { t, world } = this;
    const counter = new Counter(t, world);
    const mall = counter.mall;
    const shop = counter.shop;
    const earning = new Earning(t, world);
    const perks = new Perks(t, world);
    const funding = new Funding(t, world);

    const city = await mall.city();
    this.platformAdmin = {
      id: '',
      username: 'admin',
      password: '',
      token: await world.admin(),
      roles: ['city_admin'],
      regionId: city.city.id,
    };
    const officer = await world.user(['street_officer'], city.streetA.id);
    const cAdmin = await world.communityAdmin(city.a1.id);
    const cStaff = await world.staff(city.a1.id);
    const grid = await world.gridWorker(city.a1.id);
    const merchant = await mall.provider('merchant', city.a1.id);
    const hospital = await mall.provider('hospital', city.district.id);
    const canteen = await mall.provider('canteen', city.a1.id);
    const [resident, buyer, victim] = await shop.residents(city.a1.id, 3, 50_000);
    this.resident = resident;
    this.victim = victim;
    const roles: Array<[Role, User]> = [
      ['city_admin', this.platformAdmin],
      ['street_officer', officer],
      ['community_admin', cAdmin],
      ['community_staff', cStaff],
      ['grid_worker', grid],
      ['merchant_staff', merchant.staff],
      ['hospital_staff', hospital.staff],
      ['canteen_staff', canteen.staff],
      ['resident', resident],
    ];
    for (const [role, user] of roles) this.tokens.set(role, user);

    // Earning: a rule book, an award, two pending declarations.
    const book = await earning.ruleBook(cAdmin, city.a1.id);
    const retireMe = await earning.item(cAdmin, city.a1.id, 5);
    const award = await earning.award(cStaff, resident, book.treePlanting);
    const approveMe = await earning.declare(resident, book.civilisedStairwell);
    const rejectMe = await earning.declare(resident, book.civilisedStairwell);

    // Credit levels: the residents' points make them AAA; hospital and canteen policies for a1.
    const ok = (what: string, res: { status: number; body: unknown }, status = 200) => {
      if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as any;
    };
    const admin = earning.api(this.platformAdmin.token);
    ok(
      'thresholds',
      await admin.put(`/regions/${city.city.id}/credit-thresholds`, { aaa: 100, aa: 50, a: 10 }),
    );
    for (const kind of ['treat_first_pay_later', 'deposit_waiver', 'canteen_meal'] as const)
      await perks.policy(this.platformAdmin.token, city.city.id, kind, { minCreditLevel: 'A' });

    // The mall: two listings of the merchant, orders with vouchers, a redemption, a dispute.
    const listing = await mall.create(merchant.staff, city.a1.id, { stock: 1000, pointsPrice: 10 });
    const toggled = await mall.create(merchant.staff, city.a1.id, { stock: 1000, pointsPrice: 10 });
    const vouchers = await counter.vouchers(listing, 4, city.a1.id);
    const [mine, redeemed, forBatch, forRedeem] = vouchers;
    ok('redeem', await counter.redeem(merchant.staff, redeemed.code));
    const conflict = await counter.batch(merchant.staff, 'till-9', counter.scans([redeemed], 'fz'));
    ok('offline batch', conflict);
    const [dispute] = await t.sql('SELECT id FROM redemption_disputes ORDER BY created_at DESC LIMIT 1');
    const cancelMe = ok('order', await shop.order(buyer, listing.id), 201);
    // The resident owns `mine` (ready) and the notification of it.
    const mineResident = mine.resident;
    this.tokens.set('resident', mineResident);
    this.resident = mineResident;
    const [notification] = await t.sql('SELECT id FROM notifications WHERE user_id = ? LIMIT 1', [
      mineResident.id,
    ]);
    this.voucherCodes = [forBatch.code, forRedeem.code];
    // Appeals: two deductions of the resident (by the staff member), one appealed.
    const appealed = await earning.award(cStaff, mineResident, book.vegetablesOnGreen);
    const deduction = await earning.award(cStaff, mineResident, book.vegetablesOnGreen);
    const appeal = ok(
      'appeal',
      await earning
        .api(mineResident)
        .post('/appeals', { transferId: appealed.transfer.id, reason: '记错了' }),
      201,
    );

    // Signing keys: rotate once so that a retired key exists to revoke.
    const before = ok(
      'keys',
      await t.http().get('/api/v1/redemptions/keys').set('Authorization', `Bearer ${merchant.staff.token}`),
    );
    ok('rotate', await counter.rotate(this.platformAdmin.token), 201);
    const oldKid = (Array.isArray(before) ? before : before.keys)[0].kid;

    // Entitlements: a pass, a meal, a deferred bill.
    this.passCode = (await perks.pass(mineResident)).code;
    await perks.used(canteen.staff, mineResident, 'canteen_meal');
    const bill = await perks.used(hospital.staff, mineResident, 'treat_first_pay_later', 20_000);

    // Mutual aid: a request a grid worker asked for the buyer; the resident and the buyer share a household.
    const helpMe = ok(
      'mutual-aid request',
      await earning.api(grid).post('/mutual-aid/requests', {
        kind: 'housework',
        description: '帮忙打扫厨房',
        wantedAt: new Date(Date.now() + 86_400_000).toISOString(),
        minutes: 60,
        forResidentId: buyer.id,
      }),
      201,
    );
    await t.sql('UPDATE users SET household_no = ? WHERE id IN (?, ?)', [
      FUZZ_HOUSEHOLD,
      mineResident.id,
      buyer.id,
    ]);

    // Funding: a cash donation and a built report.
    const donation = await funding.cash(cStaff, city.a1.id, 'social_donation', 1_000_000);
    const report = await funding.report(cStaff, city.a1.id);

    this.ids = {
      city: city.city.id,
      district: city.district.id,
      street: city.streetA.id,
      community: city.a1.id,
      merchantOrg: merchant.org.id,
      hospitalOrg: hospital.org.id,
      canteenOrg: canteen.org.id,
      indicator: book.governance,
      rule: book.treePlanting,
      stairwell: book.civilisedStairwell,
      retireMe,
      award: award.id ?? award.awardId,
      approveMe: approveMe.id,
      rejectMe: rejectMe.id,
      listing: listing.id,
      toggled: toggled.id,
      order: mine.orderId,
      cancelMe: cancelMe.id,
      notification: notification?.id,
      dispute: dispute?.id,
      kid: oldKid,
      bill: bill.id,
      donation: donation.id,
      report: report.id,
      victim: victim.id,
      resident: mineResident.id,
      appeal: appeal.id,
      deductionTransfer: deduction.transfer.id,
      mutualAid: helpMe.id,
      householdMember: buyer.id,
    };
    for (const [k, v] of Object.entries(this.ids)) if (!v) throw new Error(`fuzz world: no ${k}`);
  }

  /** The caller for an operation: its first allowed role, or (any user) who owns the objects. */
  caller(method: string, path: string, roles: Role[] | undefined): User | undefined {
    const key = `${method} ${path}`;
    if (NO_TOKEN.has(key)) return undefined;
    const preferred = PREFERRED_ROLE[key];
    if (preferred && (!roles?.length || roles.includes(preferred))) return this.tokens.get(preferred);
    if (roles?.length) return this.tokens.get(roles[0]);
    if (/^\/api\/v1\/(me|listings|orders|rankings|regions\/tree|residents)\b/.test(path))
      return this.tokens.get('resident');
    return this.tokens.get('community_admin');
  }

  /** A real value for a path parameter, where the world has one. */
  pathValue(method: string, path: string, name: string): string {
    const key = `${method} ${path}`;
    if (name === 'year') return String(this.year);
    if (name === 'kind') return 'treat_first_pay_later';
    if (name === 'kid') return this.ids.kid;
    if (name === 'seq') return '1';
    if (name === 'householdNo') return FUZZ_HOUSEHOLD;
    const own = PATH_IDS[key];
    if (own) return this.ids[own];
    const m = /^\/api\/v1\/([a-z-]+(?:\/[a-z-]+)?)\//.exec(path);
    for (const prefix of [m?.[1], m?.[1]?.split('/')[0]]) {
      const id = prefix && PREFIX_IDS[prefix];
      if (id) return this.ids[id];
    }
    return '00000000-0000-4000-8000-000000000000';
  }

  /** A valid request for every operation this world knows; others get one synthesised from the schema. */
  base(method: string, path: string): Partial<BaseRequest> | undefined {
    const i = this.ids;
    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    const bodies: Record<string, unknown> = {
      'POST /api/v1/auth/login': {
        username: this.tokens.get('grid_worker')!.username,
        password: 'pass-word-123',
      },
      'POST /api/v1/regions': { name: '新区', kind: 'district', parentId: i.city },
      'POST /api/v1/organizations': { name: '新店', type: 'merchant', regionId: i.community },
      'PATCH /api/v1/communities/{id}/profile': {
        population: 1200,
        households: 400,
        collectiveIncomeFen: 5_000_000,
        baseGrantPoints: 100,
        maxStoredMinutes: 90_000,
      },
      'POST /api/v1/users': {
        username: `fz${now.toString(36)}`,
        password: 'pass-word-123',
        displayName: '王五',
        roles: ['resident'],
        regionId: i.community,
        birthDate: '1960-01-01',
        householdNo: 'THY-9001',
        phone: '13800000000',
      },
      'POST /api/v1/users/{id}/password': { password: 'new-pass-word-1' },
      'POST /api/v1/communities/{id}/point-rules': {
        kind: 'item',
        name: '扫雪除冰',
        points: 2,
        parentId: i.indicator,
        category: '文明新风',
        description: '冬季扫雪',
        sortOrder: 1,
      },
      'POST /api/v1/communities/{id}/point-rules/import': {
        rules: [
          { kind: 'indicator', name: '邻里互助', children: [{ kind: 'item', name: '帮扶', points: 3 }] },
        ],
        parentId: i.indicator,
        replace: false,
      },
      'PATCH /api/v1/point-rules/{id}': {
        name: '认领树木/植树护绿',
        points: 2,
        category: '生态环境',
        description: '植树',
        sortOrder: 1,
      },
      'POST /api/v1/awards': { residentId: i.resident, ruleId: i.rule, note: '植树' },
      'POST /api/v1/declarations': { ruleId: i.stairwell, occurredAt: iso(now - 3600_000), note: '打扫楼道' },
      'POST /api/v1/declarations/{id}/reject': { reason: '未能核实' },
      'POST /api/v1/communities/{id}/base-grants': { year: this.year },
      'PUT /api/v1/communities/{id}/earning-settings': { yellowClearDays: 30 },
      'POST /api/v1/communities/{id}/points-expiry': { asOf: iso(now).slice(0, 10) },
      'POST /api/v1/settlements/close': {
        regionId: i.street,
        period: iso(now - 40 * 86_400_000).slice(0, 7),
      },
      'PUT /api/v1/regions/{id}/credit-thresholds': { aaa: 100, aa: 50, a: 10 },
      'POST /api/v1/listings': {
        kind: 'goods',
        title: '大米 5kg',
        description: '东北大米',
        pointsPrice: 10,
        stock: 100,
        perResidentLimit: { count: 5, period: 'month' },
        eligibility: { minCreditLevel: 'A', minAge: 18 },
        scope: { regionId: i.community },
        validFrom: iso(now - 86_400_000),
        validUntil: iso(now + 30 * 86_400_000),
        redeemWithinDays: 30,
        unitCostFen: 500,
        imageUrl: 'https://example.org/rice.jpg',
      },
      'PATCH /api/v1/listings/{id}': {
        title: '大米 5kg',
        pointsPrice: 10,
        perResidentLimit: { count: 50, period: 'month' },
        eligibility: { minAge: 18 },
        redeemWithinDays: 30,
        unitCostFen: 500,
      },
      'POST /api/v1/listings/{id}/restock': { quantity: 5 },
      'POST /api/v1/orders': { listingId: i.listing, quantity: 1 },
      'POST /api/v1/orders/{id}/cancel': { reason: '不要了' },
      'POST /api/v1/redemptions': { code: this.voucherCodes[1], deviceId: 'till-1' },
      'POST /api/v1/redemptions/offline-batch': {
        deviceId: 'till-2',
        scans: [{ code: this.voucherCodes[0], scannedAt: iso(now - 60_000), scanId: 'fz-1' }],
      },
      'PUT /api/v1/redemptions/offline-allowance': {
        maxScans: 50,
        maxPoints: 5000,
        bundleTtlSeconds: 86_400,
      },
      'POST /api/v1/redemptions/disputes/{id}/resolve': { resolution: 'merchant_absorbs', note: '已处理' },
      'POST /api/v1/entitlements/verify': {
        passCode: this.passCode,
        kind: 'treat_first_pay_later',
        amountFen: 10_000,
      },
      'POST /api/v1/entitlements/uses': {
        passCode: this.passCode,
        kind: 'deposit_waiver',
        amountFen: 10_000,
      },
      'POST /api/v1/entitlements/uses/{id}/settle': { note: '收据 001' },
      'PUT /api/v1/regions/{id}/entitlement-policies/{kind}': {
        minCreditLevel: 'A',
        yearlyQuota: 10,
        maxOutstandingFen: 500_000,
        overdueAfterDays: 30,
      },
      'POST /api/v1/donations': {
        donor: { name: '爱心人士' },
        source: 'social_donation',
        kind: 'cash',
        amountFen: 10_000,
        communityId: i.community,
        receivedAt: iso(now - 60_000),
        note: '捐赠',
      },
      'POST /api/v1/communities/{id}/expenses': { amountFen: 100, purpose: '采购积分超市商品' },
      'POST /api/v1/funding-reports': { regionId: i.community, ...thisYear() },
      'POST /api/v1/funding-reports/{id}/submit': { comment: '请审核' },
      'POST /api/v1/funding-reports/{id}/review': { decision: 'return', comment: '请补充' },
      'POST /api/v1/appeals': { transferId: i.deductionTransfer, reason: '那天我不在小区' },
      'POST /api/v1/appeals/{id}/decide': { decision: 'reject', comment: '经核实无误' },
      'POST /api/v1/notices/{seq}/objections': { communityId: i.community, reason: '公示有误' },
      'POST /api/v1/mutual-aid/requests': {
        kind: 'escort_to_hospital',
        description: '陪同去医院',
        wantedAt: iso(now + 86_400_000),
        minutes: 60,
        payWithStoredTime: false,
      },
      'POST /api/v1/mutual-aid/requests/{id}/complete': { minutes: 45 },
      'POST /api/v1/time-accounts/gifts': { toResidentId: i.householdMember, minutes: 1 },
      'POST /api/v1/households/gifts': { toResidentId: i.householdMember, points: 1 },
    };
    const queries: Record<string, Record<string, string>> = {
      'GET /api/v1/organizations': { regionId: i.community },
      'GET /api/v1/me/transactions': { limit: '5', code: 'award' },
      'GET /api/v1/communities/{id}/point-rules': { includeRetired: 'true' },
      'GET /api/v1/declarations': { limit: '5', status: 'pending', communityId: i.community },
      'GET /api/v1/rankings': { limit: '5', regionId: i.community, year: String(this.year) },
      'GET /api/v1/communities/{id}/boards': { year: String(this.year), month: '1', limit: '5' },
      'GET /api/v1/residents/{id}/credit': { year: String(this.year) },
      'GET /api/v1/listings': { limit: '5', kind: 'goods', q: '大米', regionId: i.community },
      'GET /api/v1/me/notifications': { limit: '5', unread: 'true' },
      'GET /api/v1/orders': { limit: '5', status: 'ready', listingId: i.listing },
      'GET /api/v1/me/orders': { limit: '5', status: 'ready' },
      'GET /api/v1/me/orderability': { listingIds: i.listing },
      'GET /api/v1/residents': { q: '1', communityId: i.community },
      'GET /api/v1/redemptions/verify': { code: this.voucherCodes[0] },
      'GET /api/v1/redemptions': { limit: '5', from: '2020-01-01', listingId: i.listing, deviceId: 'till-1' },
      'GET /api/v1/redemptions/settlement': { from: iso(now - 10 * 86_400_000).slice(0, 10) },
      'GET /api/v1/redemptions/offline-bundle': { deviceId: 'till-1' },
      'GET /api/v1/redemptions/disputes': { limit: '5', status: 'open' },
      'GET /api/v1/entitlements/uses': { limit: '5', status: 'outstanding', kind: 'treat_first_pay_later' },
      'GET /api/v1/funding-reports': { limit: '5', regionId: i.community },
      'GET /api/v1/funding-reports/{id}': { version: '1' },
      'GET /api/v1/appeals': { limit: '5', status: 'pending', communityId: i.community },
      'GET /api/v1/me/appeals': { limit: '5', status: 'pending' },
      'GET /api/v1/communities/{id}/notices': { limit: '5' },
      'GET /api/v1/communities/{id}/notices/objections': { limit: '5', seq: '1' },
      'GET /api/v1/mutual-aid/requests': { limit: '5', status: 'open', communityId: i.community },
      'GET /api/v1/households/{householdNo}': { communityId: i.community },
      'GET /api/v1/settlements': { regionId: i.street, period: iso(now - 40 * 86_400_000).slice(0, 7) },
    };
    const key = `${method} ${path}`;
    if (key === 'POST /api/v1/communities/{id}/residents/import')
      return { body: '姓名,户号,用户名\n赵六,THY-9002,zhao.liu.fz\n', contentType: 'text/csv' };
    if (!(key in bodies) && !(key in queries)) return undefined;
    return { ...(key in bodies ? { body: bodies[key] } : {}), query: queries[key] ?? {} };
  }

  /** Waits until the worker has done everything the last accepted write queued. */
  async settle(): Promise<void> {
    await waitFor(
      () =>
        this.t.sql(`SELECT
          (SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL) +
          (SELECT COUNT(*) FROM orders WHERE status = 'pending') +
          (SELECT COUNT(*) FROM funding_reports WHERE status IN ('queued', 'building')) +
          (SELECT COUNT(*) FROM base_grant_runs WHERE status IN ('queued', 'running')) AS busy`),
      (rows) => Number(rows[0].busy) === 0,
      { timeoutMs: 30_000, what: 'the worker to finish queued work' },
    );
  }
}

/** Operations whose objects are not the ones the first prefix names. */
const PATH_IDS: Record<string, string> = {
  'POST /api/v1/point-rules/{id}/retire': 'retireMe',
  'POST /api/v1/declarations/{id}/approve': 'approveMe',
  'POST /api/v1/declarations/{id}/reject': 'rejectMe',
  'GET /api/v1/declarations/{id}': 'approveMe',
  'POST /api/v1/listings/{id}/unpublish': 'toggled',
  'POST /api/v1/listings/{id}/publish': 'toggled',
  'POST /api/v1/orders/{id}/cancel': 'cancelMe',
};

const PREFIX_IDS: Record<string, string> = {
  users: 'victim',
  communities: 'community',
  regions: 'community',
  'point-rules': 'rule',
  awards: 'award',
  declarations: 'approveMe',
  listings: 'listing',
  orders: 'order',
  'me/notifications': 'notification',
  'redemptions/disputes': 'dispute',
  'entitlements/uses': 'bill',
  donations: 'donation',
  'funding-reports': 'report',
  residents: 'resident',
  appeals: 'appeal',
  'mutual-aid/requests': 'mutualAid',
};

/** Who calls an operation when its first role is not the best fit (or it names none). */
const PREFERRED_ROLE: Record<string, Role> = {
  'POST /api/v1/orders/{id}/cancel': 'merchant_staff',
  'GET /api/v1/users/{id}': 'community_admin',
  'POST /api/v1/users/{id}/password': 'community_admin',
  'GET /api/v1/declarations': 'community_staff',
  'GET /api/v1/declarations/{id}': 'community_staff',
  'GET /api/v1/awards/{id}': 'community_staff',
  'POST /api/v1/declarations/{id}/approve': 'community_staff',
  'POST /api/v1/declarations/{id}/reject': 'community_staff',
  'POST /api/v1/entitlements/uses/{id}/settle': 'hospital_staff',
  'GET /api/v1/entitlements/uses': 'hospital_staff',
  'POST /api/v1/appeals/{id}/decide': 'community_admin',
};

/** The household of the fuzz world's resident (and the buyer). */
const FUZZ_HOUSEHOLD = 'FZ-1';

const NO_TOKEN = new Set(['POST /api/v1/auth/login', 'GET /health']);
