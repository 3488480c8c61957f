import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import http from 'node:http';
import { Connection, createConnection } from 'mysql2/promise';
import { parseDatabaseUrl } from '../src/database/database-options';
import { Mall } from './support/catalog';
import { freePort, OwnMariaDb, OwnRedis } from './support/fault-lab';
import { createTestApp, TestApp, waitFor } from './support/harness';
import { Shop } from './support/orders';
import { AppProcess, HttpAnswer, postOver } from './support/processes';
import type { User } from './support/world';
import { World } from './support/world';

/** The pid (of `pids`) that owns the TCP connection whose local port is `port`. */
function pidOfLocalPort(port: number, pids: number[]): number | undefined {
  const inodes = new Set<string>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length > 9 && parseInt(cols[1].split(':')[1], 16) === port) inodes.add(cols[9]);
    }
  }
  for (const pid of pids) {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m && inodes.has(m[1])) return pid;
      } catch {
        /* closed meanwhile */
      }
    }
  }
  return undefined;
}

/**
 * Two API processes and two worker processes on this test's own mariadbd and redis-server. Orders
 * are placed through both APIs; one worker is SIGKILLed in the middle of fulfilling an order (its
 * transaction waits inside, holding the order). That order, and every other, is ready within 5 s
 * of the kill, no order is lost or doubled, each 201 has exactly one voucher, the ledger audit
 * passes.
 */
describe('two APIs and two workers, one worker killed mid-fulfilment', () => {
  let db: OwnMariaDb;
  let redis: OwnRedis;
  let t: TestApp;
  let residents: User[];
  let listingId: string;
  const procs: AppProcess[] = [];
  let blocker: Connection | undefined;

  beforeAll(async () => {
    db = new OwnMariaDb(await freePort());
    redis = new OwnRedis(await freePort());
    await Promise.all([db.start(), redis.start()]);
    t = await createTestApp({ role: 'api', databaseServer: db.url, env: { REDIS_URL: redis.url } });
    const world = new World(t);
    const mall = new Mall(t, world);
    const shop = new Shop(t);
    const city = await mall.city();
    const { staff } = await mall.provider('merchant', city.a1.id);
    listingId = (await mall.create(staff, city.a1.id, { stock: 100_000, pointsPrice: 1 })).id;
    residents = await shop.residents(city.a1.id, 8, 100_000);
  });

  afterAll(async () => {
    await blocker?.end().catch(() => undefined);
    await Promise.all(procs.map((p) => p.kill()));
    await t?.close();
    await db?.destroy();
    await redis?.stop();
  });

  it('no order lost or doubled, the killed worker’s order ready within 5 s', async () => {
    const ports = [await freePort(), await freePort()];
    const apis = ports.map((port) => AppProcess.of(t, 'api', port));
    const workers = [AppProcess.of(t, 'worker'), AppProcess.of(t, 'worker')];
    procs.push(...apis, ...workers);
    await Promise.all([...apis, ...workers].map((p) => p.ready(90_000)));

    const agents = ports.map(() => new http.Agent({ keepAlive: true, maxSockets: 4 }));
    const answers: Array<HttpAnswer & { key: string; api: number }> = [];
    const errors: string[] = [];
    const place = (i: number, key: string) =>
      postOver(
        agents[i % 2],
        ports[i % 2],
        '/api/v1/orders',
        { listingId, quantity: 1 },
        { Authorization: `Bearer ${residents[i % residents.length].token}`, 'Idempotency-Key': key },
      );
    /** Closed-loop load over both APIs until `count` more answers came. */
    const load = async (count: number) => {
      const target = answers.length + count;
      await Promise.all(
        residents.map(async (_, i) => {
          while (answers.length < target) {
            const key = randomUUID();
            try {
              answers.push({ ...(await place(i, key)), key, api: i % 2 });
            } catch (err) {
              errors.push((err as Error).message);
            }
          }
        }),
      );
    };
    const readyCount = async (ids: string[]) =>
      Number((await t.sql(`SELECT COUNT(*) n FROM orders WHERE id IN (?) AND status = 'ready'`, [ids]))[0].n);
    await load(60);
    const first = answers.map((a) => a.body.id as string);
    await waitFor(
      () => readyCount(first),
      (n) => n === first.length,
      { what: 'the first orders ready', timeoutMs: 20_000 },
    );

    // Every voucher insert now waits behind this transaction's locks (REPEATABLE READ: the whole
    // index and its gaps), so a worker that picks up the next order stops inside its transaction,
    // holding that order's row.
    const p = parseDatabaseUrl(t.config.databaseUrl);
    blocker = await createConnection({
      host: p.host,
      port: p.port,
      user: p.username,
      database: p.database,
    });
    await blocker.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    await blocker.query('START TRANSACTION');
    await blocker.query('SELECT order_id FROM vouchers FOR UPDATE');
    const x = await place(0, randomUUID());
    expect(x.status).toBe(201);
    const waiting = await waitFor(
      () =>
        // The statement still running (waiting for the blocker's locks); MariaDB does not always
        // list that wait in innodb_trx as LOCK WAIT, the processlist always shows the statement.
        t.sql<{ thread: number; host: string }>(
          `SELECT p.id thread, p.host FROM information_schema.processlist p
            WHERE p.command = 'Query' AND p.info LIKE ? AND p.info NOT LIKE '%processlist%'`,
          [`%INSERT INTO vouchers%${x.body.id}%`],
        ),
      (rows) => rows.length === 1,
      { what: 'a worker inside the fulfilment of the new order', timeoutMs: 30_000 },
    );
    const pid = pidOfLocalPort(
      Number(waiting[0].host.split(':').pop()),
      workers.map((w) => w.child.pid!),
    );
    const victim = workers.find((w) => w.child.pid === pid);
    expect(victim).toBeDefined();
    victim!.child.kill('SIGKILL');
    await victim!.exit();
    const killedAt = Date.now();
    await blocker.query('ROLLBACK');
    await blocker.end();
    blocker = undefined;

    await waitFor(
      () => readyCount([x.body.id]),
      (n) => n === 1,
      { what: 'the killed worker’s order ready', timeoutMs: 5000, everyMs: 50 },
    );
    expect(Date.now() - killedAt).toBeLessThan(5000);

    // The load goes on over both APIs with one worker left.
    await load(40);
    agents.forEach((a) => a.destroy());

    expect(errors).toEqual([]);
    expect(answers.filter((a) => a.status !== 201).map((a) => [a.status, a.body])).toEqual([]);
    const all = [...answers.map((a) => a.body.id as string), x.body.id as string];
    expect(new Set(all).size).toBe(all.length);
    // Spread over both APIs.
    expect([0, 1].map((api) => answers.filter((a) => a.api === api).length > 10)).toEqual([true, true]);
    const [orders] = await t.sql('SELECT COUNT(*) n FROM orders WHERE listing_id = ?', [listingId]);
    expect(Number(orders.n)).toBe(all.length);
    await waitFor(
      () => readyCount(all),
      (n) => n === all.length,
      { what: 'every order ready', timeoutMs: 15_000 },
    );
    const [v] = await t.sql(
      'SELECT COUNT(*) n, COUNT(DISTINCT order_id) d FROM vouchers WHERE order_id IN (?)',
      [all],
    );
    expect([Number(v.n), Number(v.d)]).toEqual([all.length, all.length]);
    await Promise.all(procs.map((proc) => proc.kill()));
  });
});
