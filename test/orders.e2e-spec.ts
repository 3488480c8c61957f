import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { CodeSigner } from '../src/signing/code-signer.service';
import { Mall } from './support/catalog';
import { createTestApp, TestApp, waitFor } from './support/harness';
import { Shop } from './support/orders';
import { World } from './support/world';

describe('orders: placement under concurrency, idempotency, limits, vouchers, scope', () => {
  let t: TestApp;
  let world: World;
  let mall: Mall;
  let shop: Shop;

  beforeAll(async () => {
    t = await createTestApp();
    world = new World(t);
    mall = new Mall(t, world);
    shop = new Shop(t);
  });
  afterAll(() => t?.close());

  it('200 residents order a listing with stock 50 at once: 50 orders, 150 OUT_OF_STOCK, stock 0, 50 × price held', async () => {
    const city = await mall.city();
    const { staff } = await mall.provider('merchant', city.a1.id);
    const listing = await mall.create(staff, city.a1.id, { stock: 50, pointsPrice: 20 });
    const residents = await shop.residents(city.a1.id, 200, 100);
    const res = await Promise.all(residents.map((r) => shop.order(r, listing.id)));
    const by = (s: number) => res.filter((r) => r.status === s);
    expect(by(201)).toHaveLength(50);
    expect(by(409)).toHaveLength(150);
    expect(new Set(by(409).map((r) => r.body.code))).toEqual(new Set(['OUT_OF_STOCK']));
    expect(await mall.stock(listing.id)).toBe(0);
    const [held] = await t.sql(
      `SELECT SUM(debits_pending) held FROM accounts WHERE kind = 'wallet' AND owner_id IN (?)`,
      [residents.map((r) => r.id)],
    );
    expect(Number(held.held)).toBe(50 * 20);
    const [orders] = await t.sql('SELECT COUNT(*) n FROM orders WHERE listing_id = ?', [listing.id]);
    expect(Number(orders.n)).toBe(50);
  });

  it('a resident with 100 points sending 10 orders of 30 at once gets exactly 3', async () => {
    const city = await mall.city();
    const { staff } = await mall.provider('merchant', city.a1.id);
    const listing = await mall.create(staff, city.a1.id, { stock: null, pointsPrice: 30 });
    const [alice] = await shop.residents(city.a1.id, 1, 100);
    const res = await Promise.all(Array.from({ length: 10 }, () => shop.order(alice, listing.id)));
    expect(res.filter((r) => r.status === 201)).toHaveLength(3);
    expect(new Set(res.filter((r) => r.status !== 201).map((r) => `${r.status} ${r.body.code}`))).toEqual(
      new Set(['409 INSUFFICIENT_POINTS']),
    );
    expect((await shop.wallet(alice)).body).toEqual({ available: 10, held: 90, balance: 100 });
  });

  it('20 parallel requests with one Idempotency-Key make one order and 20 identical answers; another body is 422', async () => {
    const city = await mall.city();
    const { staff } = await mall.provider('merchant', city.a1.id);
    const listing = await mall.create(staff, city.a1.id, { stock: 10, pointsPrice: 5 });
    const [bob] = await shop.residents(city.a1.id, 1, 100);
    const res = await Promise.all(
      Array.from({ length: 20 }, () => shop.order(bob, listing.id, 1, 'key-bob-1')),
    );
    expect(res.map((r) => r.status)).toEqual(Array(20).fill(201));
    expect(new Set(res.map((r) => r.body.id)).size).toBe(1);
    for (const r of res) expect(r.body).toEqual(res[0].body);
    const [n] = await t.sql('SELECT COUNT(*) n FROM orders WHERE resident_id = ?', [bob.id]);
    expect(Number(n.n)).toBe(1);
    const other = await shop.order(bob, listing.id, 2, 'key-bob-1');
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await mall.stock(listing.id)).toBe(9);
  });

  it('a limit of 1 a month under 10 parallel orders gives one order', async () => {
    const city = await mall.city();
    const { staff } = await mall.provider('merchant', city.a1.id);
    const listing = await mall.create(staff, city.a1.id, {
      stock: 100,
      pointsPrice: 1,
      perResidentLimit: { count: 1, period: 'month' },
    });
    const [carol] = await shop.residents(city.a1.id, 1, 100);
    const res = await Promise.all(Array.from({ length: 10 }, () => shop.order(carol, listing.id)));
    expect(res.filter((r) => r.status === 201)).toHaveLength(1);
    expect(new Set(res.filter((r) => r.status !== 201).map((r) => r.body.code))).toEqual(
      new Set(['LIMIT_REACHED']),
    );
  });

  it('fulfils an order with one voucher whose QR image decodes to a code that verifies; one changed character does not', async () => {
    const city = await mall.city();
    const { org, staff } = await mall.provider('merchant', city.a1.id);
    const listing = await mall.create(staff, city.a1.id, { stock: 5, pointsPrice: 10 });
    const [dan] = await shop.residents(city.a1.id, 1, 50);
    const placed = await shop.order(dan, listing.id);
    expect(placed.status).toBe(201);
    expect(placed.body.status).toBe('pending');
    const early = await t
      .http()
      .get(`/api/v1/orders/${placed.body.id}/voucher`)
      .set('Authorization', `Bearer ${dan.token}`);
    if (early.status !== 200) expect(early.body.code).toBe('VOUCHER_NOT_READY');
    await waitFor(
      () => shop.status(placed.body.id),
      (s) => s === 'ready',
      { what: 'order ready' },
    );
    const v = await t
      .http()
      .get(`/api/v1/orders/${placed.body.id}/voucher`)
      .set('Authorization', `Bearer ${dan.token}`);
    expect(v.status).toBe(200);
    const png = await t
      .http()
      .get(`/api/v1/orders/${placed.body.id}/voucher.png`)
      .set('Authorization', `Bearer ${dan.token}`)
      .buffer(true);
    expect(png.headers['content-type']).toBe('image/png');
    const img = PNG.sync.read(png.body as Buffer);
    const decoded = jsQR(new Uint8ClampedArray(img.data), img.width, img.height);
    expect(decoded?.data).toBe(v.body.code);
    const svg = await t
      .http()
      .get(`/api/v1/orders/${placed.body.id}/voucher.svg`)
      .set('Authorization', `Bearer ${dan.token}`);
    expect(svg.text ?? svg.body.toString()).toContain('<svg');

    const signer = t.app.get(CodeSigner);
    const claims = await signer.verify(v.body.code);
    expect(claims).toMatchObject({ type: 'voucher', subject: placed.body.id, aux: org.id });
    const code: string = v.body.code;
    const i = Math.floor(code.length / 2);
    const altered = code.slice(0, i) + (code[i] === 'A' ? 'B' : 'A') + code.slice(i + 1);
    await expect(signer.verify(altered)).rejects.toMatchObject({ code: 'INVALID_CODE' });
    const [vouchers] = await t.sql('SELECT COUNT(*) n FROM vouchers WHERE order_id = ?', [placed.body.id]);
    expect(Number(vouchers.n)).toBe(1);
    const notes = await t.http().get('/api/v1/me/notifications').set('Authorization', `Bearer ${dan.token}`);
    expect(notes.body.items.map((n: { kind: string }) => n.kind)).toContain('order_ready');
  });

  it('scope is circulation: another community’s listing is 404; a city-wide listing is orderable everywhere in the city', async () => {
    const city = await mall.city();
    const { staff } = await mall.provider('merchant', city.a1.id);
    const local = await mall.create(staff, city.a1.id, { stock: 5, pointsPrice: 1 });
    const citywide = await mall.create(staff, city.city.id, { stock: 5, pointsPrice: 1 });
    const [fromB1] = await shop.residents(city.b1.id, 1, 10);
    const [fromA2] = await shop.residents(city.a2.id, 1, 10);
    const denied = await shop.order(fromB1, local.id);
    expect(denied.status).toBe(404);
    expect(denied.body.code).toBe('LISTING_NOT_FOUND');
    expect((await shop.order(fromB1, citywide.id)).status).toBe(201);
    expect((await shop.order(fromA2, citywide.id)).status).toBe(201);
    const other = await mall.city();
    const [elsewhere] = await shop.residents(other.a1.id, 1, 10);
    expect((await shop.order(elsewhere, citywide.id)).status).toBe(404);
  });

  it('cancellation by the resident gives back points, stock and the limit; by the provider it also notifies', async () => {
    const city = await mall.city();
    const { staff } = await mall.provider('merchant', city.a1.id);
    const listing = await mall.create(staff, city.a1.id, {
      stock: 3,
      pointsPrice: 10,
      perResidentLimit: { count: 1, period: 'day' },
    });
    const [erin] = await shop.residents(city.a1.id, 1, 30);
    const first = await shop.order(erin, listing.id);
    expect((await shop.cancel(erin, first.body.id)).body.status).toBe('cancelled');
    expect((await shop.wallet(erin)).body).toEqual({ available: 30, held: 0, balance: 30 });
    expect(await mall.stock(listing.id)).toBe(3);
    const second = await shop.order(erin, listing.id);
    expect(second.status).toBe(201);
    const byProvider = await shop.cancel(staff, second.body.id, '商品损坏');
    expect(byProvider.status).toBe(200);
    expect(byProvider.body.status).toBe('cancelled');
    const notes = await t.http().get('/api/v1/me/notifications').set('Authorization', `Bearer ${erin.token}`);
    expect(notes.body.items.map((n: { kind: string }) => n.kind)).toContain('order_cancelled_by_provider');
    const stranger = (await mall.provider('merchant', city.a1.id)).staff;
    expect((await shop.cancel(stranger, second.body.id)).status).toBe(404);
  });

  it('refuses bad input and unavailable listings without writing anything', async () => {
    const city = await mall.city();
    const { staff } = await mall.provider('merchant', city.a1.id);
    const listing = await mall.create(staff, city.a1.id, { stock: 3, pointsPrice: 10 });
    const [fay] = await shop.residents(city.a1.id, 1, 30);
    const bad = await t
      .http()
      .post('/api/v1/orders')
      .set('Authorization', `Bearer ${fay.token}`)
      .send({ listingId: listing.id, quantity: 0, extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.details.fields.map((f: { field: string }) => f.field).sort()).toEqual([
      'extra',
      'quantity',
    ]);
    await mall.action(staff, listing.id, 'unpublish');
    const gone = await shop.order(fay, listing.id);
    expect([404, 422]).toContain(gone.status);
    const [n] = await t.sql('SELECT COUNT(*) n FROM orders WHERE resident_id = ?', [fay.id]);
    expect(Number(n.n)).toBe(0);
    expect((await shop.wallet(fay)).body.held).toBe(0);
    expect((await shop.order(staff, listing.id)).status).toBe(403);
  });
});
