import { OrderSweeper } from '../src/orders/order-sweeper.service';
import { Mall } from './support/catalog';
import { createTestApp, TestApp, waitFor } from './support/harness';
import { Shop } from './support/orders';
import { World } from './support/world';

describe('order expiry: the database decides what is due', () => {
  let t: TestApp;
  let world: World;
  let mall: Mall;
  let shop: Shop;

  beforeAll(async () => {
    t = await createTestApp({ env: { ORDER_REDEEM_WINDOW_SECONDS: '2', ORDER_SWEEP_MS: '250' } });
    world = new World(t);
    mall = new Mall(t, world);
    shop = new Shop(t);
  });
  afterAll(() => t?.close());

  it('expires an unredeemed order within 5 s of its deadline and gives back points, stock and the limit', async () => {
    const city = await mall.city();
    const { staff } = await mall.provider('merchant', city.a1.id);
    const listing = await mall.create(staff, city.a1.id, {
      stock: 1,
      pointsPrice: 40,
      perResidentLimit: { count: 1, period: 'year' },
    });
    const [r] = await shop.residents(city.a1.id, 1, 40);
    const placed = await shop.order(r, listing.id);
    expect(placed.status).toBe(201);
    expect(await mall.stock(listing.id)).toBe(0);
    await waitFor(
      () => shop.status(placed.body.id),
      (s) => s === 'expired',
      { timeoutMs: 15_000, what: 'order expired' },
    );
    const [row] = await t.sql(
      'SELECT TIMESTAMPDIFF(MICROSECOND, expires_at, expired_at) / 1000 AS late_ms FROM orders WHERE id = ?',
      [placed.body.id],
    );
    expect(Number(row.late_ms)).toBeGreaterThanOrEqual(0);
    expect(Number(row.late_ms)).toBeLessThan(5000);
    expect((await shop.wallet(r)).body).toEqual({ available: 40, held: 0, balance: 40 });
    expect(await mall.stock(listing.id)).toBe(1);
    const notes = await t.http().get('/api/v1/me/notifications').set('Authorization', `Bearer ${r.token}`);
    expect(notes.body.items.map((n: { kind: string }) => n.kind)).toContain('order_expired');
    // The limit came back too: the same resident may order again.
    expect((await shop.order(r, listing.id)).status).toBe(201);
  });

  it('a cancellation racing the expiry resolves the hold exactly once', async () => {
    const city = await mall.city();
    const { staff } = await mall.provider('merchant', city.a1.id);
    const listing = await mall.create(staff, city.a1.id, { stock: 10, pointsPrice: 25 });
    const residents = await shop.residents(city.a1.id, 10, 25);
    const orders = await Promise.all(residents.map((r) => shop.order(r, listing.id)));
    const ids = orders.map((o) => o.body.id);
    // Make them due now, then let the sweeper and the residents' cancellations race.
    await t.sql('UPDATE orders SET expires_at = CURRENT_TIMESTAMP(3) WHERE id IN (?)', [ids]);
    const sweeper = t.app.get(OrderSweeper);
    await Promise.all([
      sweeper.expireDue(),
      ...residents.map((r, i) => shop.cancel(r, ids[i])),
      sweeper.expireDue(),
    ]);
    await waitFor(
      async () =>
        t.sql(`SELECT status FROM orders WHERE id IN (?) AND status IN ('pending', 'ready')`, [ids]),
      (rows) => rows.length === 0,
      { what: 'every order resolved' },
    );
    const holds = await t.sql('SELECT hold_transfer_id h FROM orders WHERE id IN (?)', [ids]);
    const resolutions = await t.sql(
      'SELECT pending_id, COUNT(*) n FROM transfers WHERE pending_id IN (?) GROUP BY pending_id',
      [holds.map((h: { h: string }) => h.h)],
    );
    expect(resolutions).toHaveLength(10);
    expect(resolutions.every((r: { n: number | string }) => Number(r.n) === 1)).toBe(true);
    for (const r of residents)
      expect((await shop.wallet(r)).body).toEqual({ available: 25, held: 0, balance: 25 });
    expect(await mall.stock(listing.id)).toBe(10);
  });
});
