import { Job, Queue, Worker } from 'bullmq';
import { TransactionService } from '../src/database/transaction.service';
import { OutboxRelay } from '../src/jobs/outbox-relay.service';
import { OutboxService } from '../src/jobs/outbox.service';
import { producerRedisOptions, workerRedisOptions } from '../src/jobs/redis-options';
import { createTestApp, TestApp, waitFor } from './support/harness';

const QUEUE = 'outbox-test';

/**
 * The outbox: a job written in a business transaction is enqueued after commit, once, and never
 * when the transaction rolls back. A real BullMQ worker on a test queue counts what runs.
 */
describe('outbox and relay', () => {
  let t: TestApp;
  let worker: Worker;
  let queue: Queue;
  const runs: Array<{ id: string; name: string; data: unknown }> = [];

  const ranIds = () => runs.map((r) => r.id);
  const unsent = async () =>
    Number((await t.sql<{ n: number }>('SELECT COUNT(*) AS n FROM outbox WHERE sent_at IS NULL'))[0].n);

  beforeAll(async () => {
    // APP_ROLE=api: no scheduler, so nothing is relayed unless the test says so.
    t = await createTestApp({ role: 'api' });
    const { redisUrl, queuePrefix } = t.config;
    worker = new Worker(
      QUEUE,
      async (job: Job) => {
        runs.push({ id: job.id!, name: job.name, data: job.data });
      },
      { connection: workerRedisOptions(redisUrl), prefix: queuePrefix, concurrency: 8 },
    );
    worker.on('error', () => undefined);
    queue = new Queue(QUEUE, { connection: producerRedisOptions(redisUrl), prefix: queuePrefix });
    await worker.waitUntilReady();
  });
  afterAll(async () => {
    await worker?.close();
    await queue?.close();
    await t?.close();
  });

  const tx = () => t.app.get(TransactionService);
  const outbox = () => t.app.get(OutboxService);
  const relay = () => t.app.get(OutboxRelay);

  it('never runs a job whose transaction rolled back', async () => {
    let rolledBack = '';
    await expect(
      tx().run(async (em) => {
        rolledBack = await outbox().add(em, QUEUE, 'test.rolled-back', { orderId: 'r-1' });
        await em.query('SELECT 1');
        throw new Error('the business rule failed');
      }),
    ).rejects.toThrow('the business rule failed');
    expect(rolledBack).not.toBe('');
    expect(await t.sql('SELECT id FROM outbox WHERE id = ?', [rolledBack])).toEqual([]);

    // A job committed after it does run: once it has, the rolled-back one would have too.
    const committed = await tx().run((em) => outbox().add(em, QUEUE, 'test.committed', { orderId: 'c-1' }));
    expect(await relay().drain()).toBe(1);
    await waitFor(
      async () => ranIds(),
      (ids) => ids.includes(committed),
      { what: 'the committed job' },
    );
    expect(runs).toEqual([{ id: committed, name: 'test.committed', data: { orderId: 'c-1' } }]);
    expect(await queue.getJob(rolledBack)).toBeUndefined();
    const [row] = await t.sql('SELECT sent_at, attempts FROM outbox WHERE id = ?', [committed]);
    expect(row.sent_at).not.toBeNull();
    expect(row.attempts).toBe(1);
  });

  it('does not enqueue anything while the transaction is open', async () => {
    await tx().run(async (em) => {
      const id = await outbox().add(em, QUEUE, 'test.open', { n: 0 });
      // Another connection relays now: the uncommitted row is invisible to it.
      expect(await relay().relayOnce()).toBe(0);
      expect(await queue.getJob(id)).toBeUndefined();
      await em.query('DELETE FROM outbox WHERE id = ?', [id]);
    });
    expect(await unsent()).toBe(0);
  });

  it('runs each committed job exactly once with relays racing in two apps on one database', async () => {
    const before = runs.length;
    // A second app on the same database and queue prefix, in the worker role: its scheduler
    // relays by itself, while both apps' relays are also called by hand.
    const other = await createTestApp({
      role: 'all',
      env: { DATABASE_URL: t.config.databaseUrl, QUEUE_PREFIX: t.config.queuePrefix },
    });
    try {
      const ids: string[] = [];
      for (let batch = 0; batch < 6; batch++) {
        ids.push(
          ...(await tx().run(async (em) => {
            const out: string[] = [];
            for (let i = 0; i < 10; i++)
              out.push(await outbox().add(em, QUEUE, 'test.race', { n: batch * 10 + i }));
            return out;
          })),
        );
      }
      // A relay that died after adding a job but before marking its row: the row is relayed again.
      const [crashed] = ids;
      await queue.add('test.race', { n: 0 }, { jobId: crashed });

      const relays = [relay(), other.app.get(OutboxRelay)];
      const sentBy = [0, 0];
      const loop = async (which: number) => {
        for (;;) {
          const n = await relays[which].relayOnce(4);
          sentBy[which] += n;
          if (n === 0) return;
        }
      };
      await Promise.all([loop(0), loop(1), loop(0), loop(1), loop(0), loop(1)]);
      await waitFor(unsent, (n) => n === 0, { what: 'every outbox row sent' });

      await waitFor(
        async () => runs.length - before,
        (n) => n >= ids.length,
        { what: `${ids.length} jobs run`, timeoutMs: 20_000 },
      );
      await waitFor(
        () => queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized'),
        (c) => Object.values(c).every((n) => n === 0),
        { what: 'an empty queue' },
      );
      const ran = runs.slice(before).map((r) => r.id);
      expect(ran.slice().sort()).toEqual(ids.slice().sort());
      expect(new Set(ran).size).toBe(ran.length);
      // Each row was sent by exactly one relay call (SKIP LOCKED), the scheduler's included.
      const rows = await t.sql<{ attempts: number }>('SELECT attempts FROM outbox WHERE id IN (?)', [ids]);
      expect(rows.map((r) => r.attempts)).toEqual(ids.map(() => 1));
      expect(sentBy[0] + sentBy[1]).toBeLessThanOrEqual(ids.length);
      const counts = await queue.getJobCounts('completed', 'failed');
      expect(counts).toEqual({ completed: runs.length, failed: 0 });
    } finally {
      await other.close();
    }
  });

  it('relays by itself in the worker role (the scheduler polls the outbox)', async () => {
    const other = await createTestApp({
      role: 'worker',
      env: { DATABASE_URL: t.config.databaseUrl, QUEUE_PREFIX: t.config.queuePrefix },
    });
    try {
      const id = await tx().run((em) => outbox().add(em, QUEUE, 'test.scheduled', { n: 1 }));
      await waitFor(
        async () => ranIds(),
        (ids) => ids.includes(id),
        { what: 'the scheduled relay' },
      );
      expect(ranIds().filter((x) => x === id)).toHaveLength(1);
    } finally {
      await other.close();
    }
  });
});
