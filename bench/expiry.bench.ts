// Expiry under placement: orders expiring in bulk (the worker's sweeper) while residents keep
// placing orders on the same listings of the same provider, against the same placement load
// without expiry in the same run. Counts deadlocks from the server's Innodb_deadlocks. See
// bench/README.md.
//
//   npm run bench:expiry
//
// Knobs (environment): BENCH_EXPIRING (orders that expire at once, default 1500), BENCH_RATE
// (placements per second, open loop, default 20), BENCH_SECONDS (per phase, default 30),
// BENCH_RESIDENTS (2000), BENCH_LISTINGS (10, all of one provider), BENCH_DATABASE_URL (a server to
// use instead of the bench's own mariadbd; its Innodb_deadlocks then counts everything on it).
import 'reflect-metadata';
import { ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { NestFactory } from '@nestjs/core';
import { Pool, RowDataPacket } from 'mysql2/promise';
import { AppModule } from '../src/app.module';
import { Actor } from '../src/common/actor';
import { newId } from '../src/common/ids';
import { dropDatabase } from '../src/database/database-options';
import { TransactionService } from '../src/database/transaction.service';
import { LedgerService } from '../src/ledger/ledger.service';
import { FLAG_DEBITS_MUST_NOT_EXCEED_CREDITS } from '../src/ledger/ledger.types';
import { freePort as labPort, OwnMariaDb } from '../test/support/fault-lab';
import {
  alignedTable,
  Attempt,
  auditLedger,
  createAndMigrate,
  databaseUrlOn,
  deleteRedisKeys,
  freePort,
  intEnv,
  mulberry32,
  percentile,
  postJson,
  rawPool,
  REDIS_URL,
  startApi,
  startWorker,
  stopApi,
  tokenMinter,
} from './support';

const P = {
  residents: intEnv('BENCH_RESIDENTS', 2000),
  listings: intEnv('BENCH_LISTINGS', 10),
  expiring: intEnv('BENCH_EXPIRING', 1500),
  rate: intEnv('BENCH_RATE', 20),
  seconds: intEnv('BENCH_SECONDS', 30),
  price: 10,
};
const JWT_SECRET = `bench-${randomBytes(12).toString('hex')}`;

interface Resident {
  id: string;
  token: string;
}

/** One city → community, one provider with P.listings listings, residents with wallets and points. */
async function seed(env: Record<string, string>): Promise<{ residents: Resident[]; listings: string[] }> {
  Object.assign(process.env, env);
  const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'], bodyParser: false });
  await app.init();
  try {
    const tx = app.get(TransactionService);
    const ledger = app.get(LedgerService);
    const mint = tokenMinter(app);
    const city = newId();
    const community = newId();
    const provider = newId();
    const path = `/${city}/${community}/`;
    const listings = Array.from({ length: P.listings }, () => newId());
    const users = Array.from({ length: P.residents }, (_, i) => ({ id: newId(), i, wallet: newId() }));
    await tx.run(async (em) => {
      const insert = async (table: string, cols: string[], rows: unknown[][]) => {
        for (let i = 0; i < rows.length; i += 1000) {
          const chunk = rows.slice(i, i + 1000);
          await em.query(
            `INSERT INTO ${table} (${cols.join(', ')}) VALUES ${chunk.map(() => `(${cols.map(() => '?').join(', ')})`).join(', ')}`,
            chunk.flat(),
          );
        }
      };
      await insert(
        'regions',
        ['id', 'name', 'kind', 'parent_id', 'path'],
        [
          [city, '压测市', 'city', null, `/${city}/`],
          [community, '压测社区', 'community', city, path],
        ],
      );
      await insert(
        'organizations',
        ['id', 'name', 'type', 'region_id'],
        [[provider, '压测超市', 'merchant', community]],
      );
      await insert(
        'listings',
        [
          'id',
          'kind',
          'title',
          'description',
          'points_price',
          'stock',
          'redeem_within_days',
          'status',
          'provider_organization_id',
          'scope_region_id',
          'scope_path',
          'created_by',
        ],
        listings.map((id, i) => [
          id,
          'goods',
          `大米${i + 1}`,
          '压测',
          P.price,
          10_000_000,
          30,
          'published',
          provider,
          community,
          path,
          provider,
        ]),
      );
      await insert(
        'users',
        ['id', 'username', 'password_hash', 'display_name', 'roles', 'region_id', 'active'],
        users.map((u) => [u.id, `bench_e${u.i}`, null, '李桂英', 'resident', community, 1]),
      );
      await insert(
        'accounts',
        ['id', 'ledger', 'kind', 'owner_type', 'owner_id', 'sub', 'flags'],
        users.map((u) => [
          u.wallet,
          'POINTS',
          'wallet',
          'user',
          u.id,
          '',
          FLAG_DEBITS_MUST_NOT_EXCEED_CREDITS,
        ]),
      );
      const issuance = await ledger.issuanceOf(em, community);
      await ledger.transferBatch(
        em,
        users.map((u) => ({
          id: newId(),
          debitAccountId: issuance,
          creditAccountId: u.wallet,
          amount: 1_000_000,
          code: 'award',
          refType: 'bench',
          refId: u.id,
        })),
      );
      await ledger.redemptionOf(em, provider);
    });
    const residents = users.map((u) => {
      const actor: Actor = {
        id: u.id,
        username: `bench_e${u.i}`,
        displayName: '李桂英',
        roles: ['resident'],
        regionId: community,
        regionPath: path,
        organizationId: null,
      };
      return { id: u.id, token: mint(actor) };
    });
    return { residents, listings };
  } finally {
    await app.close();
  }
}

interface Placed {
  latencies: Float64Array;
  statuses: Map<string, number>;
  samples: Map<string, string>;
  ids: string[];
}

/**
 * Open loop: order i is sent at start + i / rate whatever happened to the others (so a slow server
 * meets the same load), latency from that planned moment to the complete answer.
 */
async function placeAtRate(
  agent: http.Agent,
  port: number,
  count: number,
  rate: number,
  next: () => { resident: Resident; listingId: string },
): Promise<Placed> {
  const start = performance.now();
  const latencies = new Float64Array(count);
  const statuses = new Map<string, number>();
  const samples = new Map<string, string>();
  const ids: string[] = [];
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const planned = start + (i * 1000) / rate;
      const wait = planned - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const job = next();
      const r: Attempt = await postJson(
        agent,
        port,
        '/api/v1/orders',
        { listingId: job.listingId, quantity: 1 },
        job.resident.token,
        randomUUID(),
        0, // read every body: the order id is in it
      );
      latencies[i] = performance.now() - planned;
      statuses.set(r.outcome, (statuses.get(r.outcome) ?? 0) + 1);
      if (r.outcome === '201') ids.push(JSON.parse(r.body!).id);
      else if (!samples.has(r.outcome)) samples.set(r.outcome, (r.body ?? '').slice(0, 300));
    }),
  );
  latencies.sort();
  return { latencies, statuses, samples, ids };
}

async function deadlocks(pool: Pool): Promise<number> {
  const [rows] = await pool.query<RowDataPacket[]>("SHOW GLOBAL STATUS LIKE 'Innodb_deadlocks'");
  return Number(rows[0]?.Value ?? NaN);
}

async function count(pool: Pool, sql: string, params: unknown[]): Promise<number> {
  const [rows] = await pool.query<RowDataPacket[]>(sql, params);
  return Number(rows[0].n);
}

async function main(): Promise<void> {
  const own = process.env.BENCH_DATABASE_URL ? undefined : new OwnMariaDb(await labPort());
  const dbName = `jifen_bench_expiry_${process.pid}`;
  let api: ChildProcess | undefined;
  let worker: ChildProcess | undefined;
  let pool: Pool | undefined;
  let databaseUrl = '';
  const queuePrefix = `jbenchx${process.pid}${randomBytes(3).toString('hex')}`;
  const problems: string[] = [];
  try {
    if (own) await own.start();
    databaseUrl = databaseUrlOn(process.env.BENCH_DATABASE_URL ?? own!.url, dbName);
    const env: Record<string, string> = {
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      REDIS_URL,
      QUEUE_PREFIX: queuePrefix,
      LOG_LEVEL: 'warn',
      JWT_SECRET,
      ADMIN_USERNAME: 'admin',
      ADMIN_PASSWORD: randomBytes(12).toString('hex'),
      KEY_ENCRYPTION_SECRET: randomBytes(16).toString('hex'),
      RATE_LIMIT_PER_MINUTE: '1000000',
      ORDER_SWEEP_MS: '250',
    };
    console.log(
      `expiry benchmark: ${P.expiring} orders expire at once while ${P.rate} orders/s are placed on the same ` +
        `${P.listings} listings of one provider (${P.seconds} s per phase), ${own ? `own mariadbd on port ${own.port}` : 'BENCH_DATABASE_URL'}`,
    );
    let t = performance.now();
    await createAndMigrate(databaseUrl);
    const world = await seed({ ...env, APP_ROLE: 'api' });
    console.log(`  setup: ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const port = await freePort();
    [api, worker] = await Promise.all([startApi({ ...env, APP_ROLE: 'api' }, port), startWorker(env)]);
    pool = rawPool(databaseUrl, 4);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    const r = mulberry32(20_261_202);
    const next = () => ({
      resident: world.residents[Math.floor(r() * world.residents.length)],
      listingId: world.listings[Math.floor(r() * world.listings.length)],
    });

    // The orders that will expire: placed through the API, fulfilled by the worker.
    t = performance.now();
    const toExpire = await placeAtRate(agent, port, P.expiring, 100, next);
    if (toExpire.ids.length !== P.expiring) problems.push(`setup: ${JSON.stringify([...toExpire.statuses])}`);
    const pendingLeft = async () =>
      count(pool!, `SELECT COUNT(*) n FROM orders WHERE id IN (?) AND status <> 'ready'`, [toExpire.ids]);
    const readyBy = Date.now() + 120_000;
    while ((await pendingLeft()) > 0 && Date.now() < readyBy)
      await new Promise((res) => setTimeout(res, 200));
    console.log(
      `  ${toExpire.ids.length} orders placed and ready in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );

    const total = P.rate * P.seconds;
    const results: Array<{ name: string; placed: Placed; deadlocks: number; note: string }> = [];

    // A: the placement load alone.
    let d0 = await deadlocks(pool);
    const base = await placeAtRate(agent, port, total, P.rate, next);
    results.push({
      name: 'placement alone',
      placed: base,
      deadlocks: (await deadlocks(pool)) - d0,
      note: '',
    });

    // B: the same load while every one of those orders becomes due at once.
    d0 = await deadlocks(pool);
    await pool.query('UPDATE orders SET expires_at = CURRENT_TIMESTAMP(3) WHERE id IN (?)', [toExpire.ids]);
    const dueAt = performance.now();
    let expiredAfter = NaN;
    const watch = (async () => {
      while (performance.now() - dueAt < (P.seconds + 60) * 1000) {
        const left = await count(
          pool!,
          `SELECT COUNT(*) n FROM orders WHERE id IN (?) AND status <> 'expired'`,
          [toExpire.ids],
        );
        if (left === 0) {
          expiredAfter = performance.now() - dueAt;
          return;
        }
        await new Promise((res) => setTimeout(res, 100));
      }
    })();
    const during = await placeAtRate(agent, port, total, P.rate, next);
    await watch;
    const deadlocksB = (await deadlocks(pool)) - d0;
    results.push({
      name: `with ${P.expiring} expiring`,
      placed: during,
      deadlocks: deadlocksB,
      note: Number.isNaN(expiredAfter)
        ? 'NOT ALL EXPIRED'
        : `all expired ${(expiredAfter / 1000).toFixed(1)} s after due (${((P.expiring / expiredAfter) * 1000).toFixed(0)}/s)`,
    });
    if (Number.isNaN(expiredAfter)) problems.push('not every order expired');
    agent.destroy();

    const rows: string[][] = [['phase', 'orders', 'non-201', 'p50 ms', 'p99 ms', 'max ms', 'deadlocks', '']];
    for (const x of results) {
      const non201 = [...x.placed.statuses].filter(([s]) => s !== '201').reduce((n, [, v]) => n + v, 0);
      if (non201)
        problems.push(
          `${x.name}: ${JSON.stringify([...x.placed.statuses])} ${JSON.stringify([...x.placed.samples])}`,
        );
      const l = x.placed.latencies;
      rows.push([
        x.name,
        String(x.placed.ids.length),
        String(non201),
        percentile(l, 0.5).toFixed(1),
        percentile(l, 0.99).toFixed(1),
        l[l.length - 1].toFixed(1),
        String(x.deadlocks),
        x.note,
      ]);
    }
    const ratio = percentile(during.latencies, 0.99) / percentile(base.latencies, 0.99);
    const audit = await auditLedger(databaseUrl);
    if (!audit.ok) problems.push(`ledger audit: ${JSON.stringify(audit.violations).slice(0, 500)}`);
    console.log(`\nPOST /api/v1/orders at ${P.rate}/s, open loop, ${new Date().toISOString()}`);
    console.log(alignedTable(rows, 1));
    console.log(
      `\np99 with expiry / p99 alone: ${ratio.toFixed(2)}x (aim: at most 2x); deadlocks during expiry: ${deadlocksB} (aim: 0)`,
    );
    console.log(
      problems.length
        ? `\nCHECKS FAILED:\n  ${problems.join('\n  ')}`
        : '\nchecks: every order 201, every due order expired, ledger audit ok',
    );
  } catch (err) {
    problems.push(String(err));
    console.error(err);
  } finally {
    await Promise.all([stopApi(api), stopApi(worker)]);
    await pool?.end();
    if (databaseUrl) await dropDatabase(databaseUrl).catch(() => undefined);
    await deleteRedisKeys(queuePrefix).catch(() => undefined);
    await own?.destroy();
  }
  if (problems.length) process.exitCode = 1;
}

void main();
