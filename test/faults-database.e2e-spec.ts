import { randomUUID } from 'node:crypto';
import { Mall } from './support/catalog';
import { freePort, OwnMariaDb, OwnRedis, startLoad, timed, Answer } from './support/fault-lab';
import { createTestApp, TestApp, waitFor } from './support/harness';
import { Shop } from './support/orders';
import type { User } from './support/world';
import { World } from './support/world';

/**
 * The database fails under the app: killed (connections refused and reset) and frozen (SIGSTOP:
 * sockets open, nothing answers). Every request answers within 5 s, a 503 `DATABASE_UNAVAILABLE`
 * with `Retry-After` while it is down, and the app recovers by itself when the server is back.
 * On this test's own mariadbd and redis-server, with the default timeouts.
 */
describe('database down or hung: 503 fast, recovery without a restart', () => {
  let db: OwnMariaDb;
  let redis: OwnRedis;
  let t: TestApp;
  let shop: Shop;
  let residents: User[];
  let listingId: string;
  /** Every placement's Idempotency-Key and its last answer. */
  const placements = new Map<string, { resident: User; answer: Answer }>();

  beforeAll(async () => {
    db = new OwnMariaDb(await freePort());
    redis = new OwnRedis(await freePort());
    await Promise.all([db.start(), redis.start()]);
    t = await createTestApp({ databaseServer: db.url, env: { REDIS_URL: redis.url } });
    const world = new World(t);
    const mall = new Mall(t, world);
    shop = new Shop(t);
    const city = await mall.city();
    const { staff } = await mall.provider('merchant', city.a1.id);
    listingId = (await mall.create(staff, city.a1.id, { stock: 100_000, pointsPrice: 1 })).id;
    residents = await shop.residents(city.a1.id, 12, 10_000);
  });

  afterAll(async () => {
    db?.thaw();
    await db?.start().catch(() => undefined);
    await t?.close();
    await db?.destroy();
    await redis?.stop();
  });

  /** One placement (a fresh key) or a wallet read, alternately. */
  const request = (i: number) => {
    const resident = residents[i % residents.length];
    if (i % 3 === 2) return shop.wallet(resident).timeout(10_000);
    const key = randomUUID();
    return shop
      .order(resident, listingId, 1, key)
      .timeout(10_000)
      .then((res) => {
        placements.set(key, {
          resident,
          answer: { status: res.status, code: res.body?.code, ms: 0, at: Date.now(), body: res.body },
        });
        return res;
      });
  };

  const expectOnly201Or503 = (answers: Answer[]) => {
    const slow = answers.filter((a) => a.ms >= 5000);
    expect(slow).toEqual([]);
    const odd = answers.filter((a) => ![200, 201, 503].includes(a.status));
    expect(odd.map((a) => [a.status, a.code])).toEqual([]);
    const unavailable = answers.filter((a) => a.status === 503);
    for (const a of unavailable) {
      expect(a.code).toBe('DATABASE_UNAVAILABLE');
      expect(a.retryAfter).toBe('5');
    }
    return unavailable.length;
  };

  it('killed under load: every request answers within 5 s (503 DATABASE_UNAVAILABLE, Retry-After), then recovers', async () => {
    const load = startLoad(6, request);
    await waitFor(
      async () => load.answers.filter((a) => a.status === 201).length,
      (n) => n >= 10,
      { what: 'orders placed before the fault' },
    );
    await db.stop();
    const killedAt = Date.now();
    const health = await waitFor(
      () => timed(() => t.http().get('/health').timeout(5000)),
      ({ res }) => res.status === 503,
      { what: '/health to notice' },
    );
    expect(health.ms).toBeLessThan(2000);
    expect(health.res.body.details.down).toEqual(['mysql']);
    await waitFor(
      async () => load.answers.filter((a) => a.at > killedAt && a.status === 503).length,
      (n) => n >= 10,
      { what: 'requests answered 503 while the database is down' },
    );

    await db.start();
    const upAt = Date.now();
    await waitFor(
      async () => load.answers.filter((a) => a.at > upAt && a.status === 201).length,
      (n) => n >= 10,
      { what: 'orders placed again after the restart', timeoutMs: 15_000 },
    );
    const answers = await load.stop();
    expect(expectOnly201Or503(answers.filter((a) => a.at > killedAt))).toBeGreaterThanOrEqual(10);
    expect((await t.http().get('/health')).status).toBe(200);
  });

  it('frozen (SIGSTOP): requests answer 503 within 5 s, /health says mysql at once; thawed, it recovers', async () => {
    await t.http().get('/health').expect(200);
    db.freeze();
    // More requests at once than the pool has connections (20): the rest wait for one, boundedly.
    const burst = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        timed(() => request(i)).then(({ res, ms }) => ({
          status: res.status,
          code: res.body?.code,
          retryAfter: res.headers['retry-after'],
          ms,
          at: Date.now(),
        })),
      ),
    );
    const health = await timed(() => t.http().get('/health').timeout(5000));
    expect(health.res.status).toBe(503);
    expect(health.res.body.details.down).toEqual(['mysql']);
    expect(health.ms).toBeLessThan(2500);
    expect(expectOnly201Or503(burst)).toBe(30);

    db.thaw();
    const thawedAt = Date.now();
    const load = startLoad(4, request);
    await waitFor(
      async () => load.answers.filter((a) => a.at > thawedAt && a.status === 201).length,
      (n) => n >= 10,
      { what: 'orders placed again after the thaw', timeoutMs: 15_000 },
    );
    expectOnly201Or503(await load.stop());
  });

  it('after the faults: a retried placement tells its outcome, every 201 has one order and one voucher', async () => {
    // A placement answered 503 may or may not have committed (the COMMIT was sent when the
    // connection died): the client retries with the same key and learns which.
    for (const [key, p] of placements) {
      if (p.answer.status === 201) continue;
      const again = await shop.order(p.resident, listingId, 1, key);
      expect(again.status).toBe(201);
      p.answer = { status: 201, ms: 0, at: Date.now(), body: again.body };
    }
    const ids = [...placements.values()].map((p) => p.answer.body.id as string);
    expect(new Set(ids).size).toBe(placements.size);
    const [orders] = await t.sql('SELECT COUNT(*) n FROM orders WHERE listing_id = ?', [listingId]);
    expect(Number(orders.n)).toBe(placements.size);
    await waitFor(
      async () =>
        (
          await t.sql(`SELECT COUNT(*) n FROM orders WHERE listing_id = ? AND status = 'ready'`, [listingId])
        )[0].n,
      (n) => Number(n) === placements.size,
      { what: 'every order ready', timeoutMs: 15_000 },
    );
    const [v] = await t.sql(
      'SELECT COUNT(*) n, COUNT(DISTINCT order_id) d FROM vouchers WHERE order_id IN (?)',
      [ids],
    );
    expect([Number(v.n), Number(v.d)]).toEqual([ids.length, ids.length]);
    const [stock] = await t.sql('SELECT stock FROM listings WHERE id = ?', [listingId]);
    expect(Number(stock.stock)).toBe(100_000 - ids.length);
  });
});
