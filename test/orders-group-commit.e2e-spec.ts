import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { Actor } from '../src/common/actor';
import { DomainError } from '../src/common/domain-error';
import { Outcome } from '../src/common/group-commit';
import { AuthService } from '../src/identity/auth.service';
import { UserEntity } from '../src/identity/entities/user.entity';
import { OrderView } from '../src/orders/dto/orders.dto';
import { OrderPlacement, PlaceRequest } from '../src/orders/order-placement.service';
import { Mall, TestCity } from './support/catalog';
import { createTestApp, TestApp, waitFor } from './support/harness';
import { Shop } from './support/orders';
import type { User } from './support/world';
import { World } from './support/world';

/**
 * Group commit of order placement (order-placement.service.ts): the orders of one batch share one
 * transaction, and each keeps the outcome it would have had alone. `placeMany` is called directly
 * where a test needs the orders in one batch for certain (HTTP requests at the same moment are
 * gathered too, but how many land in one batch is up to timing); the HTTP tests show the route's
 * answers. The file ends with the ledger audit (harness).
 */
describe('orders: group commit (mixed batches, one key twice, racing batches, model)', () => {
  let t: TestApp;
  let mall: Mall;
  let shop: Shop;
  let placement: OrderPlacement;
  let city: TestCity;
  let staff: User;

  beforeAll(async () => {
    t = await createTestApp();
    const world = new World(t);
    mall = new Mall(t, world);
    shop = new Shop(t);
    placement = t.app.get(OrderPlacement);
    city = await mall.city();
    staff = (await mall.provider('merchant', city.a1.id)).staff;
  });
  afterAll(() => t?.close());

  const actorOf = async (u: User): Promise<Actor> =>
    t.app.get(AuthService).actorOf((await t.db.getRepository(UserEntity).findOneBy({ id: u.id }))!);
  const req = (actor: Actor, listingId: string, quantity = 1, key?: string): PlaceRequest => ({
    actor,
    dto: { listingId, quantity },
    key,
  });
  const codeOf = (o: Outcome<OrderView>): string =>
    o.ok ? 'placed' : o.error instanceof DomainError ? o.error.code : `error ${String(o.error)}`;
  const held = async (userId: string): Promise<number> =>
    Number(
      (
        await t.sql(`SELECT debits_pending d FROM accounts WHERE kind = 'wallet' AND owner_id = ?`, [userId])
      )[0]?.d ?? 0,
    );
  const count = async (sql: string, params: unknown[]): Promise<number> =>
    Number((await t.sql(sql, params))[0].n);

  it('a mixed batch: each failing order gets its own code, the good ones are placed, nothing else is written', async () => {
    const good = await mall.create(staff, city.a1.id, { stock: 100, pointsPrice: 10 });
    const soldOut = await mall.create(staff, city.a1.id, { stock: 0, pointsPrice: 10 });
    const limited = await mall.create(staff, city.a1.id, {
      stock: 100,
      pointsPrice: 10,
      perResidentLimit: { count: 1, period: 'month' },
    });
    const seniors = await mall.create(staff, city.a1.id, {
      stock: 100,
      pointsPrice: 10,
      eligibility: { minAge: 60 },
    });
    const rich = await shop.residents(city.a1.id, 4, 100);
    const [poor] = await shop.residents(city.a1.id, 1, 5);
    const [r0, r1, r2, r3] = await Promise.all(rich.map(actorOf));
    const poorActor = await actorOf(poor);
    const batch = [
      req(r0, good.id),
      req(poorActor, good.id),
      req(r1, soldOut.id),
      req(r2, limited.id),
      req(r2, limited.id),
      req(r3, seniors.id),
      req(r1, randomUUID()),
      req(r3, good.id, 2),
      req(poorActor, limited.id, 1),
    ];
    const outcomes = await placement.placeMany(batch);
    expect(outcomes.map(codeOf)).toEqual([
      'placed',
      'INSUFFICIENT_POINTS',
      'OUT_OF_STOCK',
      'placed',
      'LIMIT_REACHED',
      'NOT_ELIGIBLE',
      'LISTING_NOT_FOUND',
      'placed',
      'INSUFFICIENT_POINTS',
    ]);
    const placed = outcomes.flatMap((o) => (o.ok ? [o.value] : []));
    expect(placed.map((v) => [v.residentId, v.listingId, v.quantity, v.totalPoints, v.status])).toEqual([
      [r0.id, good.id, 1, 10, 'pending'],
      [r2.id, limited.id, 1, 10, 'pending'],
      [r3.id, good.id, 2, 20, 'pending'],
    ]);
    const ids = placed.map((v) => v.id);
    expect(await count('SELECT COUNT(*) n FROM orders WHERE id IN (?)', [ids])).toBe(3);
    expect(
      await count('SELECT COUNT(*) n FROM orders WHERE resident_id IN (?)', [
        [...rich, poor].map((u) => u.id),
      ]),
    ).toBe(3);
    expect(
      await count("SELECT COUNT(*) n FROM transfers WHERE phase = 'pending' AND ref_id IN (?)", [ids]),
    ).toBe(3);
    expect(
      await count('SELECT COUNT(*) n FROM outbox WHERE payload IN (?)', [
        ids.map((id) => JSON.stringify({ orderId: id })),
      ]),
    ).toBe(3);
    expect(await mall.stock(good.id)).toBe(97);
    expect(await mall.stock(limited.id)).toBe(99);
    expect(await mall.stock(seniors.id)).toBe(100);
    expect([
      await held(r0.id),
      await held(poor.id),
      await held(r1.id),
      await held(r2.id),
      await held(r3.id),
    ]).toEqual([10, 0, 0, 10, 20]);
    expect(
      await count('SELECT used n FROM order_limit_counters WHERE resident_id = ? AND listing_id = ?', [
        r2.id,
        limited.id,
      ]),
    ).toBe(1);
    // A refused order leaves no row behind, not even its limit counter.
    expect(await count('SELECT COUNT(*) n FROM order_limit_counters WHERE resident_id = ?', [poor.id])).toBe(
      0,
    );
    expect(
      await count('SELECT COUNT(*) n FROM idempotency_keys WHERE scope = ?', [`orders:${poor.id}`]),
    ).toBe(0);
    // Every placed order is fulfilled: one voucher each.
    await waitFor(
      () => count("SELECT COUNT(*) n FROM orders WHERE id IN (?) AND status = 'ready'", [ids]),
      (n) => n === 3,
      { what: 'the batch’s orders ready' },
    );
    expect(await count('SELECT COUNT(*) n FROM vouchers WHERE order_id IN (?)', [ids])).toBe(3);
  });

  it('the same mix over HTTP at the same moment answers the same codes', async () => {
    const good = await mall.create(staff, city.a1.id, { stock: 100, pointsPrice: 10 });
    const soldOut = await mall.create(staff, city.a1.id, { stock: 0, pointsPrice: 10 });
    const rich = await shop.residents(city.a1.id, 6, 100);
    const [poor] = await shop.residents(city.a1.id, 1, 5);
    const res = await Promise.all([
      ...rich.map((u) => shop.order(u, good.id)),
      shop.order(poor, good.id),
      shop.order(rich[0], soldOut.id),
    ]);
    expect(res.map((r) => (r.status === 201 ? 201 : `${r.status} ${r.body.code}`))).toEqual([
      ...rich.map(() => 201),
      '409 INSUFFICIENT_POINTS',
      '409 OUT_OF_STOCK',
    ]);
    expect(await mall.stock(good.id)).toBe(94);
  });

  it('the same key twice in one batch is one order; another body with it is 422; a later batch replays it', async () => {
    const listing = await mall.create(staff, city.a1.id, { stock: 10, pointsPrice: 5 });
    const [u] = await shop.residents(city.a1.id, 1, 100);
    const a = await actorOf(u);
    const key = `gc-${randomUUID()}`;
    const outcomes = await placement.placeMany([
      req(a, listing.id, 1, key),
      req(a, listing.id, 1, key),
      req(a, listing.id, 2, key),
      req(a, listing.id, 1),
    ]);
    expect(outcomes.map(codeOf)).toEqual(['placed', 'placed', 'IDEMPOTENCY_KEY_REUSED', 'placed']);
    const [first, second] = outcomes.map((o) => (o.ok ? o.value : null));
    expect(second!.id).toBe(first!.id);
    expect(second).toEqual(JSON.parse(JSON.stringify(first)));
    expect(await count('SELECT COUNT(*) n FROM orders WHERE resident_id = ?', [u.id])).toBe(2);
    expect(await mall.stock(listing.id)).toBe(8);

    const again = await placement.placeMany([req(a, listing.id, 1, key), req(a, listing.id, 3, key)]);
    expect(again.map(codeOf)).toEqual(['placed', 'IDEMPOTENCY_KEY_REUSED']);
    expect(again[0].ok && again[0].value).toEqual(JSON.parse(JSON.stringify(first)));
    const http = await Promise.all([shop.order(u, listing.id, 1, key), shop.order(u, listing.id, 1, key)]);
    expect(http.map((r) => [r.status, r.body.id])).toEqual([
      [201, first!.id],
      [201, first!.id],
    ]);
    expect(await count('SELECT COUNT(*) n FROM orders WHERE resident_id = ?', [u.id])).toBe(2);
    expect(await held(u.id)).toBe(10);
  });

  it('a failed order leaves its key free: the same key in the same batch is then tried on its own', async () => {
    const listing = await mall.create(staff, city.a1.id, { stock: 1, pointsPrice: 5 });
    const [u, v] = await shop.residents(city.a1.id, 2, 100);
    const [a, b] = await Promise.all([actorOf(u), actorOf(v)]);
    const key = `gc-${randomUUID()}`;
    const outcomes = await placement.placeMany([
      req(b, listing.id),
      req(a, listing.id, 1, key),
      req(a, listing.id, 1, key),
    ]);
    expect(outcomes.map(codeOf)).toEqual(['placed', 'OUT_OF_STOCK', 'OUT_OF_STOCK']);
    expect(await count('SELECT COUNT(*) n FROM idempotency_keys WHERE idem_key = ?', [key])).toBe(0);
  });

  it('two batches racing on one wallet and one listing: no oversell, no overdraft', async () => {
    const listing = await mall.create(staff, city.a1.id, { stock: 7, pointsPrice: 10 });
    const other = await mall.create(staff, city.a1.id, { stock: null, pointsPrice: 10 });
    const [ua, ub] = await shop.residents(city.a1.id, 2, 50);
    const [a, b] = await Promise.all([actorOf(ua), actorOf(ub)]);
    const one = [a, b, a, a, b, a].map((x) => req(x, listing.id));
    const two = [b, a, b, b, a, b, a].map((x, i) => req(x, i % 3 ? listing.id : other.id));
    const [r1, r2] = await Promise.all([placement.placeMany(one), placement.placeMany(two)]);
    const all = [...r1, ...r2];
    const placed = all.filter((o) => o.ok).map((o) => (o as { value: OrderView }).value);
    expect(new Set(all.filter((o) => !o.ok).map(codeOf)).size).toBeGreaterThan(0);
    for (const c of all.map(codeOf)) expect(['placed', 'OUT_OF_STOCK', 'INSUFFICIENT_POINTS']).toContain(c);
    const onListing = placed.filter((v) => v.listingId === listing.id).length;
    expect(onListing).toBe(7 - (await mall.stock(listing.id))!);
    expect(await mall.stock(listing.id)).toBeGreaterThanOrEqual(0);
    for (const u of [ua, ub]) {
      const mine = placed.filter((v) => v.residentId === u.id).length;
      expect(mine).toBeLessThanOrEqual(5);
      expect(await held(u.id)).toBe(mine * 10);
      expect((await shop.wallet(u)).body.available).toBeGreaterThanOrEqual(0);
    }
    // 13 orders, 10 affordable: the listing's 7 units go, whatever the interleaving.
    expect(await mall.stock(listing.id)).toBe(0);
  });

  it('model: any batch gives the outcomes and balances of the same orders placed one at a time', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          points: fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 2, maxLength: 2 }),
          listings: fc.array(
            fc.record({
              stock: fc.option(fc.integer({ min: 0, max: 4 }), { nil: null }),
              price: fc.integer({ min: 1, max: 25 }),
              limit: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
            }),
            { minLength: 2, maxLength: 2 },
          ),
          orders: fc.array(
            fc.record({
              resident: fc.integer({ min: 0, max: 1 }),
              listing: fc.integer({ min: 0, max: 1 }),
              quantity: fc.integer({ min: 1, max: 2 }),
              key: fc.option(fc.integer({ min: 0, max: 2 }), { nil: null }),
            }),
            { minLength: 1, maxLength: 10 },
          ),
        }),
        async (m) => {
          const world = async () => {
            const listings = await Promise.all(
              m.listings.map((l) =>
                mall.create(staff, city.a1.id, {
                  stock: l.stock,
                  pointsPrice: l.price,
                  ...(l.limit ? { perResidentLimit: { count: l.limit, period: 'day' } } : {}),
                }),
              ),
            );
            const residents = await Promise.all(m.points.map((p) => shop.residents(city.a1.id, 1, p)));
            const actors = await Promise.all(residents.map(([u]) => actorOf(u)));
            const prefix = randomUUID();
            const reqs = m.orders.map((o) =>
              req(
                actors[o.resident],
                listings[o.listing].id,
                o.quantity,
                o.key === null ? undefined : `${prefix}-${o.key}`,
              ),
            );
            const state = async () => ({
              held: await Promise.all(actors.map((a) => held(a.id))),
              stock: await Promise.all(listings.map((l) => mall.stock(l.id))),
            });
            return { reqs, state };
          };
          const batched = await world();
          const alone = await world();
          const inBatch = (await placement.placeMany(batched.reqs)).map(codeOf);
          const oneByOne: string[] = [];
          for (const r of alone.reqs)
            oneByOne.push(
              codeOf(
                await placement.placeOne(r).then(
                  (value): Outcome<OrderView> => ({ ok: true, value }),
                  (error: unknown): Outcome<OrderView> => ({ ok: false, error }),
                ),
              ),
            );
          expect(inBatch).toEqual(oneByOne);
          expect(await batched.state()).toEqual(await alone.state());
        },
      ),
      { numRuns: 8 },
    );
  });
});
