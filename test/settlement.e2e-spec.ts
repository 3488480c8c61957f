import { earningYearOf } from '../src/earning/earning-period';
import { createDemoContext } from '../src/scripts/demo/context';
import { settlementStep } from '../src/scripts/demo/settlement.step';
import { DEMO_STEPS } from '../src/scripts/demo/steps';
import { DEMO } from '../src/scripts/demo/world';
import { Mall } from './support/catalog';
import { Funding, yuan } from './support/funding';
import { createTestApp, TestApp } from './support/harness';
import { Counter } from './support/redemption';
import { backdateRedemption, Settlement } from './support/settlement';
import { User, World } from './support/world';

/** The current month on China's calendar, `YYYY-MM`. */
const thisMonth = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);

describe('city-wide settlement (通兑): monthly statements from the ledger, closed once into fund transfers', () => {
  let t: TestApp;
  let world: World;
  let mall: Mall;
  let counter: Counter;
  let funding: Funding;
  let settlement: Settlement;

  // 桃花园社区 and 青山社区 on one street, 东升社区 on another; a city-wide merchant of 东升社区.
  let city: { id: string };
  let street: { id: string };
  let taohua: { id: string };
  let qingshan: { id: string };
  let dongsheng: { id: string };
  let merchant: { org: { id: string }; staff: User };
  let canteen: { org: { id: string }; staff: User };
  let officer: User;
  let cityAdmin: User;
  let taohuaAdmin: User;
  let listing: { id: string; pointsPrice: number };
  let taohuaOrder: string;

  /** A resident of `communityId` redeems one unit of `l` at the provider's counter; returns the order id. */
  const redeem = async (l: { id: string; pointsPrice: number }, communityId: string, staff: User) => {
    const v = await counter.voucher(l, communityId);
    const res = await counter.redeem(staff, v.code);
    if (res.status !== 200 && res.status !== 201)
      throw new Error(`redeem: ${res.status} ${JSON.stringify(res.body)}`);
    return v.orderId;
  };

  beforeAll(async () => {
    t = await createTestApp({ role: 'all' });
    world = new World(t);
    mall = new Mall(t, world);
    counter = new Counter(t, world);
    funding = new Funding(t, world);
    settlement = new Settlement(t);
    city = await world.region('合肥市', 'city');
    const district = await world.region('蜀山区', 'district', city.id);
    street = await world.region('南七街道', 'street', district.id);
    const other = await world.region('稻香村街道', 'street', district.id);
    taohua = await world.region('桃花园社区', 'community', street.id);
    qingshan = await world.region('青山社区', 'community', street.id);
    dongsheng = await world.region('东升社区', 'community', other.id);
    merchant = await mall.provider('merchant', dongsheng.id, '东升便民超市');
    canteen = await mall.provider('canteen', dongsheng.id, '东升长者食堂');
    officer = await world.user(['street_officer'], street.id);
    cityAdmin = await world.user(['city_admin'], city.id);
    taohuaAdmin = await world.communityAdmin(taohua.id);
    listing = await mall.create(merchant.staff, city.id, {
      pointsPrice: 30,
      stock: null,
      title: '全市通兑 大米',
    });
  });
  afterAll(() => t?.close());

  it('shows a resident of 桃花园社区 redeeming 30 points at 东升社区’s city-wide merchant as 3,000 fen owed', async () => {
    taohuaOrder = await redeem(listing, taohua.id, merchant.staff);
    // The current month is open: computed from the ledger now, but it cannot be closed yet.
    const now = await settlement.statement(officer, { regionId: street.id, period: thisMonth() });
    expect(now.status).toBe(200);
    expect(now.body).toMatchObject({ period: thisMonth(), status: 'open' });
    expect(now.body.lines).toEqual([
      expect.objectContaining({
        payerCommunityId: taohua.id,
        payerCommunityName: '桃花园社区',
        providerOrganizationId: merchant.org.id,
        providerOrganizationName: '东升便民超市',
        points: 30,
        amountFen: 3000,
        status: 'open',
      }),
    ]);
    const early = await settlement.close(officer, { regionId: street.id, period: thisMonth() });
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('PERIOD_NOT_ENDED');
    expect(await world.count('settlement_lines')).toBe(0);
    expect(await world.count('settlement_closes')).toBe(0);

    // A resident of 东升社区 itself redeeming there owes nobody.
    await redeem(listing, dongsheng.id, merchant.staff);
    const again = await settlement.statement(cityAdmin, { regionId: city.id, period: thisMonth() });
    expect(again.body.lines).toHaveLength(1);
  });

  it('applies a change of pointValueFen to an open month', async () => {
    await backdateRedemption(t, taohuaOrder, new Date('2026-10-15T04:00:00Z'));
    const oct = () => settlement.statement(officer, { regionId: street.id, period: '2026-10' });
    expect((await oct()).body.lines).toEqual([
      expect.objectContaining({ points: 30, pointValueFen: 100, amountFen: 3000 }),
    ]);
    const patch = await funding.profile(taohuaAdmin, taohua.id, { pointValueFen: 120 });
    expect(patch.status).toBe(200);
    expect(patch.body.pointValueFen).toBe(120);
    expect((await oct()).body.lines).toEqual([
      expect.objectContaining({ points: 30, pointValueFen: 120, amountFen: 3600 }),
    ]);
    expect((await funding.profile(taohuaAdmin, taohua.id, { pointValueFen: 100 })).body.pointValueFen).toBe(
      100,
    );
    expect((await oct()).body.lines[0].amountFen).toBe(3000);
  });

  it('closes a month once for concurrent and repeated closes; an empty fund leaves its line unpaid', async () => {
    // 青山社区's resident also redeems at the canteen of 东升社区 in October; 青山社区's fund is empty.
    const canteenListing = await mall.create(canteen.staff, city.id, { pointsPrice: 25, stock: null });
    const qOrder = await redeem(canteenListing, qingshan.id, canteen.staff);
    await backdateRedemption(t, qOrder, new Date('2026-10-20T04:00:00Z'));
    const tStaff = await world.staff(taohua.id);
    await funding.cash(tStaff, taohua.id, 'community_funds', yuan(100));

    const closes = await Promise.all(
      Array.from({ length: 5 }, () => settlement.close(officer, { regionId: street.id, period: '2026-10' })),
    );
    expect(closes.map((r) => r.status)).toEqual(Array(5).fill(200));
    const closed = closes[0].body;
    expect(closed).toMatchObject({ period: '2026-10', status: 'closed' });
    const byPayer = Object.fromEntries(closed.lines.map((l: any) => [l.payerCommunityId, l]));
    expect(byPayer[taohua.id]).toMatchObject({
      amountFen: 3000,
      status: 'paid',
      providerOrganizationId: merchant.org.id,
    });
    expect(byPayer[qingshan.id]).toMatchObject({
      amountFen: 2500,
      status: 'unpaid',
      code: 'INSUFFICIENT_FUNDS',
      providerOrganizationId: canteen.org.id,
    });
    expect(closed.totals).toMatchObject({ amountFen: 5500, paidFen: 3000, unpaidFen: 2500 });

    const posted = async () => world.count('transfers', "ledger = 'CNY_FEN' AND code = 'settlement'");
    expect(await posted()).toBe(1);
    expect(await settlement.payable(merchant.org.id)).toBe(3000);
    expect((await funding.funds(taohuaAdmin, taohua.id)).fundBalanceFen).toBe(yuan(100) - 3000);

    // Closing again (the street, then the whole city) changes nothing; the frozen value stays.
    await funding.profile(taohuaAdmin, taohua.id, { pointValueFen: 150 });
    const again = await settlement.close(officer, { regionId: street.id, period: '2026-10' });
    const cityClose = await settlement.close(cityAdmin, { regionId: city.id, period: '2026-10' });
    expect(again.body.lines).toEqual(closed.lines);
    expect(cityClose.body.lines).toEqual(closed.lines);
    expect(await posted()).toBe(1);
    expect(await world.count('settlement_lines')).toBe(2);
    expect(await settlement.payable(merchant.org.id)).toBe(3000);
    expect(await settlement.payable(canteen.org.id)).toBe(0);
    await funding.profile(taohuaAdmin, taohua.id, { pointValueFen: 100 });
  });

  it('shows a community administrator only their own lines, provider staff only theirs; others 403', async () => {
    const period = '2026-10';
    const own = await settlement.statement(taohuaAdmin, { period });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ regionId: taohua.id, status: 'closed' });
    expect(own.body.lines.map((l: any) => l.payerCommunityId)).toEqual([taohua.id]);
    expect((await settlement.statement(taohuaAdmin, { period, regionId: street.id })).status).toBe(404);

    const owed = await settlement.statement(merchant.staff, { period });
    expect(owed.status).toBe(200);
    expect(owed.body.lines).toEqual([
      expect.objectContaining({ providerOrganizationId: merchant.org.id, amountFen: 3000, status: 'paid' }),
    ]);
    const canteenView = await settlement.statement(canteen.staff, { period });
    expect(canteenView.body.lines).toEqual([
      expect.objectContaining({
        providerOrganizationId: canteen.org.id,
        status: 'unpaid',
        code: 'INSUFFICIENT_FUNDS',
      }),
    ]);
    const elsewhere = await world.region('外市', 'city');
    expect((await settlement.statement(merchant.staff, { period, regionId: elsewhere.id })).status).toBe(404);

    const resident = await world.resident(taohua.id);
    const staff = await world.staff(taohua.id);
    for (const u of [resident, staff, await world.gridWorker(taohua.id)]) {
      const res = await settlement.statement(u, { period });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('FORBIDDEN');
    }
    for (const u of [taohuaAdmin, merchant.staff, resident]) {
      const res = await settlement.close(u, { regionId: taohua.id, period });
      expect(res.status).toBe(403);
    }
  });

  it('refuses a bad period and a region outside the scope, writing nothing', async () => {
    const lines = await world.count('settlement_lines');
    for (const period of ['2026-13', '2026-1', 'October', '2026-10-01', '']) {
      const res = await settlement.statement(officer, { period });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.details.fields.map((f: any) => f.field)).toContain('period');
      const c = await settlement.close(officer, { regionId: street.id, period });
      expect(c.status).toBe(400);
      expect(c.body.details.fields.map((f: any) => f.field)).toContain('period');
    }
    const noRegion = await settlement.close(officer, { period: '2026-10' });
    expect(noRegion.status).toBe(400);
    expect(noRegion.body.details.fields.map((f: any) => f.field)).toContain('regionId');
    const future = `${earningYearOf() + 1}-01`;
    const ahead = await settlement.close(officer, { regionId: street.id, period: future });
    expect(ahead.status).toBe(409);
    expect(ahead.body.code).toBe('PERIOD_NOT_ENDED');
    expect((await settlement.close(officer, { regionId: dongsheng.id, period: '2026-10' })).status).toBe(404);
    expect(await world.count('settlement_lines')).toBe(lines);
    expect(await world.count('settlement_closes', 'period = ?', [future])).toBe(0);
  });
});

describe('demo world: a closed settlement month and expiring points', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ role: 'api' });
  });
  afterAll(() => t?.close());

  it('closes last month for 蚌埠市 (one line paid, one unpaid) and a second run changes nothing', async () => {
    const ctx = createDemoContext(t.app, () => undefined);
    expect(DEMO_STEPS.at(-1)).toBe(settlementStep);
    for (const step of DEMO_STEPS) await step.run(ctx);
    const world = new World(t);
    const token = await world.login('demo.city_admin', 'demo12345');
    const china = new Date(Date.now() + 8 * 3600_000);
    const period = new Date(Date.UTC(china.getUTCFullYear(), china.getUTCMonth() - 1, 1))
      .toISOString()
      .slice(0, 7);
    const res = await t
      .http()
      .get('/api/v1/settlements')
      .query({ period })
      .set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('closed');
    expect(res.body.lines).toEqual([
      expect.objectContaining({
        payerCommunityName: '桃花园社区',
        providerOrganizationName: '蚌埠市第一人民医院',
        points: 120,
        amountFen: 12_000,
        status: 'paid',
      }),
      expect.objectContaining({
        payerCommunityName: '东升社区',
        providerOrganizationName: '惠民超市',
        points: 120,
        status: 'unpaid',
        code: 'INSUFFICIENT_FUNDS',
      }),
    ]);
    const transfers = await world.count('transfers');
    expect(await settlementStep.run(ctx)).toContain('already closed');
    expect(await world.count('transfers')).toBe(transfers);
    const [liren] = await t.sql(`SELECT points_valid_years FROM earning_settings WHERE community_id = ?`, [
      DEMO.regions.liren,
    ]);
    expect(Number(liren.points_valid_years)).toBe(2);
  });
});
