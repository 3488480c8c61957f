import { Worker } from 'bullmq';
import { TransactionService } from '../src/database/transaction.service';
import { OutboxRelay } from '../src/jobs/outbox-relay.service';
import { QUEUES } from '../src/jobs/queues';
import { workerRedisOptions } from '../src/jobs/redis-options';
import { OrderEntity } from '../src/orders/entities/order.entity';
import { VouchersService } from '../src/orders/vouchers.service';
import { Mall } from './support/catalog';
import { createTestApp, TestApp, waitFor } from './support/harness';
import { Shop } from './support/orders';
import { World } from './support/world';

const FAST_RECOVERY = { WORKER_LOCK_MS: '1000', WORKER_STALLED_INTERVAL_MS: '300' };

describe('order fulfilment: one voucher per order with two workers, and when a worker dies half-way', () => {
  let t: TestApp;
  let second: TestApp | undefined;
  let world: World;
  let mall: Mall;
  let shop: Shop;

  beforeAll(async () => {
    t = await createTestApp({ role: 'api', env: FAST_RECOVERY });
    world = new World(t);
    mall = new Mall(t, world);
    shop = new Shop(t);
  });
  afterAll(async () => {
    await second?.close();
    await t?.close();
  });

  it('a worker killed after issuing the voucher but before marking the order ready: the retry keeps that one voucher', async () => {
    const city = await mall.city();
    const { staff } = await mall.provider('merchant', city.a1.id);
    const listing = await mall.create(staff, city.a1.id, { stock: 5, pointsPrice: 10 });
    const [r] = await shop.residents(city.a1.id, 1, 50);
    const placed = await shop.order(r, listing.id);
    expect(placed.status).toBe(201);

    // A worker that does half the job, then dies (no completion, its lock is not renewed).
    let halfDone!: () => void;
    const half = new Promise<void>((resolve) => (halfDone = resolve));
    const doomed = new Worker(
      QUEUES.orders,
      async (job) => {
        await t.app.get(TransactionService).run(async (em) => {
          const order = await em.getRepository(OrderEntity).findOneByOrFail({ id: job.data.orderId });
          await t.app.get(VouchersService).issue(em, order);
        });
        halfDone();
        return new Promise(() => undefined); // never finishes
      },
      {
        connection: workerRedisOptions(t.config.redisUrl),
        prefix: t.config.queuePrefix,
        lockDuration: 1000,
        stalledInterval: 300,
      },
    );
    await t.app.get(OutboxRelay).drain();
    await half;
    await doomed.close(true);
    const [{ code: firstCode }] = await t.sql('SELECT code FROM vouchers WHERE order_id = ?', [
      placed.body.id,
    ]);
    expect(await shop.status(placed.body.id)).toBe('pending');

    // A healthy worker process on the same database and queue picks the stalled job up again.
    second = await createTestApp({ role: 'worker', attachTo: t, env: FAST_RECOVERY });
    await waitFor(
      () => shop.status(placed.body.id),
      (s) => s === 'ready',
      { timeoutMs: 20_000, what: 'order ready after the worker died' },
    );
    const vouchers = await t.sql('SELECT code FROM vouchers WHERE order_id = ?', [placed.body.id]);
    expect(vouchers).toEqual([{ code: firstCode }]);
  });

  it('every order gets exactly one voucher with two workers running', async () => {
    second ??= await createTestApp({ role: 'worker', attachTo: t, env: FAST_RECOVERY });
    const third = await createTestApp({ role: 'worker', attachTo: t, env: FAST_RECOVERY });
    try {
      const city = await mall.city();
      const { staff } = await mall.provider('merchant', city.a1.id);
      const listing = await mall.create(staff, city.a1.id, { stock: null, pointsPrice: 1 });
      const residents = await shop.residents(city.a1.id, 40, 10);
      const placed = await Promise.all(residents.map((r) => shop.order(r, listing.id)));
      expect(placed.every((p) => p.status === 201)).toBe(true);
      const ids = placed.map((p) => p.body.id);
      // Duplicate the work on purpose: the reconciler's re-queue, a second relay.
      await Promise.all([t.app.get(OutboxRelay).drain(), t.app.get(OutboxRelay).drain()]);
      await waitFor(
        async () =>
          (await t.sql(`SELECT COUNT(*) n FROM orders WHERE id IN (?) AND status = 'ready'`, [ids]))[0].n,
        (n) => Number(n) === ids.length,
        { timeoutMs: 30_000, what: 'all orders ready' },
      );
      const [v] = await t.sql(
        'SELECT COUNT(*) n, COUNT(DISTINCT order_id) d FROM vouchers WHERE order_id IN (?)',
        [ids],
      );
      expect([Number(v.n), Number(v.d)]).toEqual([40, 40]);
      const processedBy = await t.sql(
        `SELECT COUNT(*) n FROM notifications WHERE kind = 'order_ready' AND ref_id IN (?)`,
        [ids],
      );
      expect(Number(processedBy[0].n)).toBe(40);
    } finally {
      await third.close();
    }
  });
});
