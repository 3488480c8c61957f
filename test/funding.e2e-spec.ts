import { FundingService } from '../src/funding/funding.service';
import { TransactionService } from '../src/database/transaction.service';
import { Mall, TestCity } from './support/catalog';
import { Funding, yuan } from './support/funding';
import { createTestApp, TestApp, waitFor } from './support/harness';
import { Shop } from './support/orders';
import { Counter } from './support/redemption';
import { User, World } from './support/world';

describe('funding: donations, expenses, lots and the cost of redemptions', () => {
  let t: TestApp;
  let world: World;
  let mall: Mall;
  let shop: Shop;
  let counter: Counter;
  let funding: Funding;
  let city: TestCity;
  let staff: User;
  let merchant: { org: { id: string; name: string }; staff: User };

  beforeAll(async () => {
    t = await createTestApp();
    world = new World(t);
    mall = new Mall(t, world);
    shop = new Shop(t);
    counter = new Counter(t, world);
    funding = new Funding(t, world);
    city = await mall.city();
    staff = await world.staff(city.a1.id);
    merchant = await mall.provider('merchant', city.a1.id, '惠民超市');
  });
  afterAll(() => t?.close());

  /** Orders `quantity` units as a fresh resident and redeems the voucher at the merchant's counter. */
  async function orderAndRedeem(listing: { id: string; pointsPrice: number }, quantity: number, by: User) {
    const [resident] = await shop.residents(city.a1.id, 1, listing.pointsPrice * quantity);
    const placed = await shop.order(resident, listing.id, quantity);
    expect(placed.status).toBe(201);
    await waitFor(
      () => shop.status(placed.body.id),
      (s) => s === 'ready',
      { what: 'order ready' },
    );
    const voucher = await t
      .http()
      .get(`/api/v1/orders/${placed.body.id}/voucher`)
      .set('Authorization', `Bearer ${resident.token}`);
    expect(voucher.status).toBe(200);
    const redeemed = await counter.redeem(by, voucher.body.code);
    expect(redeemed.status).toBe(200);
    return placed.body.id as string;
  }

  it('a cash donation credits the community fund through one ledger transfer, once per Idempotency-Key', async () => {
    const c = await world.community();
    const s = await world.staff(c.id);
    const body = {
      donor: { name: '爱心人士 王先生' },
      source: 'social_donation',
      kind: 'cash',
      amountFen: yuan(6000),
      communityId: c.id,
      receivedAt: new Date().toISOString(),
    };
    const first = await funding.donate(s, body, 'cash-1');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ kind: 'cash', source: 'social_donation', amountFen: 600_000 });
    expect(first.body.transferIds).toHaveLength(1);
    const again = await funding.donate(s, body, 'cash-1');
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    const other = await funding.donate(s, { ...body, amountFen: 1 }, 'cash-1');
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await world.count('donations', 'community_id = ?', [c.id])).toBe(1);
    const [row] = await t.sql(
      `SELECT t.amount, t.code, d.kind dk, d.sub, c.kind ck FROM transfers t
         JOIN accounts d ON d.id = t.debit_account_id JOIN accounts c ON c.id = t.credit_account_id
        WHERE t.ref_type = 'donation' AND t.ref_id = ?`,
      [first.body.id],
    );
    expect(row).toEqual({
      amount: 600_000,
      code: 'donation',
      dk: 'funding_source',
      sub: 'social_donation',
      ck: 'community_fund',
    });
    expect((await funding.funds(s, c.id)).fundBalanceFen).toBe(600_000);
  });

  it('checks who records a donation, for which community, from which donor', async () => {
    const c = await world.community();
    const s = await world.staff(c.id);
    const resident = await world.resident(c.id);
    const base = {
      source: 'charity_fund',
      kind: 'cash',
      amountFen: 100,
      communityId: c.id,
      receivedAt: new Date().toISOString(),
    };
    expect((await funding.donate(resident, { ...base, donor: { name: 'x' } })).status).toBe(403);
    // Staff of another community cannot see this one.
    expect((await funding.donate(staff, { ...base, donor: { name: 'x' } })).status).toBe(404);
    const both = await funding.donate(s, { ...base, donor: { name: 'x', organizationId: merchant.org.id } });
    expect(both.status).toBe(400);
    const neither = await funding.donate(s, { ...base, donor: {} });
    expect(neither.status).toBe(400);
    // An organisation of another city is not a donor this community can name.
    const far = await funding.donate(s, { ...base, donor: { organizationId: merchant.org.id } });
    expect(far.status).toBe(404);
    const cashWithItems = await funding.donate(s, {
      ...base,
      donor: { name: 'x' },
      items: [{ listingId: merchant.org.id, quantity: 1, unitValueFen: 1 }],
    });
    expect(cashWithItems.status).toBe(400);
    expect((await funding.donate(s, { ...base, donor: { name: 'x' }, source: 'lottery' })).status).toBe(400);
  });

  it('spending more than the fund holds is 409 INSUFFICIENT_FUNDS and writes nothing', async () => {
    const c = await world.community();
    const s = await world.staff(c.id);
    const { org, staff: shopStaff } = await mall.provider('community', c.id);
    const listing = await mall.create(shopStaff, c.id, { stock: 3, providerOrganizationId: org.id });
    await funding.cash(s, c.id, 'community_funds', yuan(1000));
    const tables = ['community_expenses', 'donation_lots', 'transfers', 'accounts', 'idempotency_keys'];
    const before = await Promise.all(tables.map((x) => world.count(x)));
    const bodies = [
      { amountFen: yuan(1000) + 1, purpose: '采购奖品' },
      { amountFen: yuan(1000) + 1, purpose: '采购大米', listingId: listing.id, quantity: 10 },
    ];
    for (const [i, body] of bodies.entries()) {
      const res = await funding.expense(s, c.id, body, `too-much-${i}`);
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('INSUFFICIENT_FUNDS');
      expect(res.body.details).toMatchObject({
        communityId: c.id,
        requestedFen: 100_001,
        availableFen: 100_000,
      });
    }
    expect(await Promise.all(tables.map((x) => world.count(x)))).toEqual(before);
    expect(await mall.stock(listing.id)).toBe(3);
    expect((await funding.funds(s, c.id)).fundBalanceFen).toBe(100_000);
    // Exactly what the fund holds is fine.
    const ok = await funding.expense(s, c.id, { amountFen: yuan(1000), purpose: '采购奖品' });
    expect(ok.status).toBe(201);
    expect(ok.body.fundBalanceFen).toBe(0);
  });

  it('an expense that stocks the supermarket becomes a lot at amount / quantity per unit', async () => {
    const c = await world.community();
    const s = await world.staff(c.id);
    const { org, staff: shopStaff } = await mall.provider('community', c.id);
    const listing = await mall.create(shopStaff, c.id, { stock: 0, providerOrganizationId: org.id });
    await funding.cash(s, c.id, 'street_funds', yuan(2000));
    const res = await funding.expense(s, c.id, {
      amountFen: 100_000,
      purpose: '采购大米 30 袋',
      listingId: listing.id,
      quantity: 30,
    });
    expect(res.status).toBe(201);
    // 1,000 yuan / 30 = 33.33 yuan a bag; the 10 fen left over are booked as expense.
    expect(res.body).toMatchObject({ stockedFen: 99_990, expensedFen: 10, fundBalanceFen: 100_000 });
    expect(res.body.lot).toMatchObject({
      listingId: listing.id,
      quantity: 30,
      remaining: 30,
      unitValueFen: 3_333,
    });
    expect(await mall.stock(listing.id)).toBe(30);
    expect(await funding.funds(s, c.id)).toMatchObject({
      inventoryValueFen: 99_990,
      openLotsValueFen: 99_990,
    });
    // An unlimited listing cannot take a lot.
    const unlimited = await mall.create(shopStaff, c.id, { stock: null, providerOrganizationId: org.id });
    const refused = await funding.expense(s, c.id, {
      amountFen: 100,
      purpose: 'x',
      listingId: unlimited.id,
      quantity: 1,
    });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('INVALID_STATE');
    const half = await funding.expense(s, c.id, { amountFen: 100, purpose: 'x', quantity: 1 });
    expect(half.status).toBe(400);
  });

  it('in-kind goods donated, ordered and redeemed appear in the trace and the cost of redemptions, oldest lot first', async () => {
    const listing = await mall.create(merchant.staff, city.a1.id, {
      stock: 0,
      pointsPrice: 30,
      title: '文创抱枕',
    });
    const donor = { organizationId: merchant.org.id };
    const older = await funding.goods(
      staff,
      city.a1.id,
      [{ listingId: listing.id, quantity: 1, unitValueFen: 5_000 }],
      donor,
      new Date(Date.now() - 2 * 86_400_000).toISOString(),
    );
    const newer = await funding.goods(
      staff,
      city.a1.id,
      [{ listingId: listing.id, quantity: 5, unitValueFen: 8_000 }],
      donor,
    );
    expect(newer.amountFen).toBe(40_000);
    expect(await mall.stock(listing.id)).toBe(6);

    // A cancelled order takes no lot: lots are consumed at redemption only.
    const [someone] = await shop.residents(city.a1.id, 1, 100);
    const cancelled = await shop.order(someone, listing.id, 1);
    expect((await shop.cancel(someone, cancelled.body.id)).status).toBe(200);

    const orderId = await orderAndRedeem(listing, 2, merchant.staff);
    expect(await mall.stock(listing.id)).toBe(4);

    const first = await funding.trace(staff, older.id);
    expect(first.status).toBe(200);
    expect(first.body.lots).toEqual([
      expect.objectContaining({
        listingId: listing.id,
        listingTitle: '文创抱枕',
        quantity: 1,
        remaining: 0,
        consumed: 1,
        listingStock: 4,
      }),
    ]);
    expect(first.body.redemptions).toEqual([
      expect.objectContaining({
        orderId,
        orderStatus: 'redeemed',
        resident: '李*英',
        quantity: 1,
        unitValueFen: 5_000,
        amountFen: 5_000,
      }),
    ]);
    expect(first.body.remaining).toEqual({ quantity: 0, valueFen: 0 });
    const second = (await funding.trace(staff, newer.id)).body;
    expect(second.redemptions).toEqual([expect.objectContaining({ orderId, quantity: 1, amountFen: 8_000 })]);
    expect(second.remaining).toEqual({ quantity: 4, valueFen: 32_000 });
    expect(second.consumed).toEqual({ quantity: 1, valueFen: 8_000 });
    expect(second.transfers).toEqual([
      expect.objectContaining({
        code: 'donation',
        from: 'funding_source',
        to: 'inventory',
        amountFen: 40_000,
      }),
    ]);
    // No resident's full name leaks.
    expect(JSON.stringify(second)).not.toContain('李桂英');

    const [cost] = await t.sql(
      "SELECT SUM(amount) s, COUNT(*) n FROM transfers WHERE code = 'redemption_cost' AND ref_id = ?",
      [orderId],
    );
    expect([Number(cost.s), Number(cost.n)]).toEqual([13_000, 2]);
    const report = await funding.report(staff, city.a1.id);
    const a1 = funding.community(report, city.a1.id);
    expect(a1.costOfRedemptionsFen).toBe(13_000);
    expect(a1.fundsBySource.merchant.fen).toBe(45_000);
    expect(a1.pointsRedeemed).toBe(60);
    expect(a1.costPerRedeemedPointFen).toBeCloseTo(13_000 / 60, 2);

    // Called again for the same order (a retried capture), nothing more is consumed or posted.
    const svc = t.app.get(FundingService);
    const replay = await t.app.get(TransactionService).run((em) =>
      svc.recognizeRedemptionCost(em, {
        orderId,
        listingId: listing.id,
        quantity: 2,
        communityId: city.a1.id,
      }),
    );
    expect(replay).toMatchObject({ costFen: 13_000, uncoveredQuantity: 0 });
    expect(await world.count('transfers', "code = 'redemption_cost' AND ref_id = ?", [orderId])).toBe(2);
    expect(await world.count('lot_consumptions', 'order_id = ?', [orderId])).toBe(2);
  });

  it('concurrent redemptions never take the same unit twice; units without lots recognise no cost', async () => {
    const listing = await mall.create(merchant.staff, city.a1.id, {
      stock: 2,
      pointsPrice: 10,
      title: '食用油 5L',
    });
    await funding.goods(
      staff,
      city.a1.id,
      [{ listingId: listing.id, quantity: 3, unitValueFen: 1_000 }],
      { name: '王记粮油' },
      new Date(Date.now() - 60_000).toISOString(),
    );
    await funding.goods(staff, city.a1.id, [{ listingId: listing.id, quantity: 4, unitValueFen: 2_000 }], {
      name: '王记粮油',
    });
    // 2 units of plain stock + 7 from lots; 9 residents redeem at once.
    const vouchers = await counter.vouchers(listing, 9, city.a1.id);
    const res = await Promise.all(
      vouchers.map((v, i) => counter.redeem(merchant.staff, v.code, { deviceId: `till-${i % 3}` })),
    );
    expect(res.map((r) => r.status)).toEqual(Array(9).fill(200));
    const lots = await t.sql(
      'SELECT remaining FROM donation_lots WHERE listing_id = ? ORDER BY received_at',
      [listing.id],
    );
    expect(lots.map((l) => Number(l.remaining))).toEqual([0, 0]);
    const [used] = await t.sql(
      'SELECT SUM(quantity) q, SUM(amount_fen) v, COUNT(DISTINCT order_id) o FROM lot_consumptions WHERE listing_id = ?',
      [listing.id],
    );
    expect([Number(used.q), Number(used.v), Number(used.o)]).toEqual([7, 3 * 1_000 + 4 * 2_000, 7]);
  });
});
