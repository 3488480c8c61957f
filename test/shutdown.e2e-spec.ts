import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { createConnection } from 'mysql2/promise';
import { parseDatabaseUrl } from '../src/database/database-options';
import { Mall } from './support/catalog';
import { freePort } from './support/fault-lab';
import { createTestApp, TestApp, waitFor } from './support/harness';
import { Shop } from './support/orders';
import { AppProcess, HttpAnswer, postOver } from './support/processes';
import type { User } from './support/world';
import { World } from './support/world';

/**
 * SIGTERM to a real API process under a keep-alive load: it stops accepting, answers what it
 * accepted with `Connection: close`, closes idle connections, and exits within 5 s; a request that
 * does not finish by the drain deadline is cut off and the process still exits on time.
 */
describe('graceful shutdown with a deadline', () => {
  let t: TestApp;
  let shop: Shop;
  let residents: User[];
  let listingId: string;

  beforeAll(async () => {
    t = await createTestApp({ role: 'api' });
    const world = new World(t);
    const mall = new Mall(t, world);
    shop = new Shop(t);
    const city = await mall.city();
    const { staff } = await mall.provider('merchant', city.a1.id);
    listingId = (await mall.create(staff, city.a1.id, { stock: null, pointsPrice: 1 })).id;
    residents = await shop.residents(city.a1.id, 8, 100_000);
  });
  afterAll(() => t?.close());

  const place = (agent: http.Agent, port: number, r: User, key: string) =>
    postOver(
      agent,
      port,
      '/api/v1/orders',
      { listingId, quantity: 1 },
      { Authorization: `Bearer ${r.token}`, 'Idempotency-Key': key },
    );

  /** The Idempotency-Keys the database holds: the placements that committed. */
  const committedKeys = async (keys: string[]) =>
    new Set(
      (await t.sql('SELECT idem_key FROM idempotency_keys WHERE idem_key IN (?)', [keys])).map(
        (r: { idem_key: string }) => r.idem_key,
      ),
    );

  it('under a keep-alive load: exits within 5 s, every accepted request answered, Connection: close while draining', async () => {
    const port = await freePort();
    const api = await AppProcess.of(t, 'api', port).ready();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    const answers: Array<HttpAnswer & { key: string }> = [];
    const failed: Array<{ key: string; error: string; sentAt: number }> = [];
    let sigtermAt = 0;
    // 8 clients, each sending its next order on its keep-alive connection when the last answered,
    // until the server refuses them.
    const loops = residents.map(async (r) => {
      for (;;) {
        const key = randomUUID();
        const sentAt = Date.now();
        try {
          answers.push({ ...(await place(agent, port, r, key)), key });
        } catch (err) {
          failed.push({ key, error: (err as Error).message, sentAt });
          if (sigtermAt) return;
        }
      }
    });
    await waitFor(
      async () => answers.filter((a) => a.status === 201).length,
      (n) => n >= 40,
      { what: 'orders placed before SIGTERM', timeoutMs: 30_000 },
    );
    sigtermAt = Date.now();
    api.child.kill('SIGTERM');
    const exit = await api.exit();
    await Promise.all(loops);
    agent.destroy();

    expect(exit.code).toBe(0);
    expect(exit.at - sigtermAt).toBeLessThan(5000);
    expect(answers.every((a) => a.status === 201)).toBe(true);
    // Draining: what was sent after SIGTERM was answered with Connection: close, so each
    // connection served at most one more request (the issue: 126 more orders over 15 s).
    const after = answers.filter((a) => a.sentAt > sigtermAt + 200);
    expect(after.every((a) => a.headers.connection === 'close')).toBe(true);
    const perSocket = new Map<number, number>();
    for (const a of answers.filter((x) => x.sentAt >= sigtermAt))
      perSocket.set(a.socket, (perSocket.get(a.socket) ?? 0) + 1);
    expect(Math.max(0, ...perSocket.values())).toBeLessThanOrEqual(2);
    // Every placement the server committed was answered; nothing unanswered was committed.
    const committed = await committedKeys([...answers, ...failed].map((a) => a.key));
    expect([...committed].sort()).toEqual(answers.map((a) => a.key).sort());
    expect(failed.filter((f) => committed.has(f.key))).toEqual([]);
  });

  it('a request still running at the drain deadline is cut off, and the process exits on time', async () => {
    const port = await freePort();
    const api = await AppProcess.of(t, 'api', port, {
      SHUTDOWN_DRAIN_MS: '1000',
      SHUTDOWN_TIMEOUT_MS: '3000',
    }).ready();
    // Hold the listing's row: a placement waits for it (a slow request, the server is fine).
    const p = parseDatabaseUrl(t.config.databaseUrl);
    const blocker = await createConnection({
      host: p.host,
      port: p.port,
      user: p.username,
      password: p.password,
      database: p.database,
    });
    try {
      await blocker.query('START TRANSACTION');
      await blocker.query('SELECT id FROM listings WHERE id = ? FOR UPDATE', [listingId]);
      const agent = new http.Agent({ keepAlive: true });
      const key = randomUUID();
      let settled: unknown = null;
      const stuck = place(agent, port, residents[0], key).then(
        (a) => (settled = { answered: a.status, body: a.body }),
        (err: Error) => (settled = { error: err.message }),
      );
      // A loaded machine may take a while to get the first request of a fresh process to the
      // database; a placement that was answered instead of waiting shows what it was answered.
      const waiting = await waitFor(
        async () => ({
          // A statement on the listing's row that is still running: it waits for the blocker
          // (innodb_trx does not always list an autocommit statement's wait as LOCK WAIT).
          lockWaits: Number(
            (
              await t.sql(
                `SELECT COUNT(*) n FROM information_schema.processlist
                  WHERE command = 'Query' AND info LIKE '%listings%' AND info NOT LIKE '%processlist%'`,
              )
            )[0].n,
          ),
          settled,
        }),
        (v) => v.lockWaits >= 1 || v.settled !== null,
        { what: 'the placement to wait for the lock', timeoutMs: 30_000 },
      );
      expect(waiting.settled).toBeNull();
      const sigtermAt = Date.now();
      api.child.kill('SIGTERM');
      const exit = await api.exit();
      expect(exit.at - sigtermAt).toBeLessThan(5000);
      expect(exit.at - sigtermAt).toBeGreaterThanOrEqual(1000);
      expect(await stuck).toHaveProperty('error');
      agent.destroy();
      await blocker.query('ROLLBACK');
      // The cut-off placement did not commit (its connection closed with the process).
      expect((await committedKeys([key])).size).toBe(0);
    } finally {
      await blocker.end();
    }
  });
});
