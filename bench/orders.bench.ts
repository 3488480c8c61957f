// Order placement benchmark: `POST /api/v1/orders` (the real app, a separate process) against a raw
// mysql2 script that runs the same SQL as the order path, one transaction per order. See
// bench/README.md for what it measures and the numbers on the reference machine.
//
//   npm run bench:orders
//
// Knobs (environment): BENCH_ORDERS (per measured phase, default 6000), BENCH_CONCURRENCY (64),
// BENCH_RESIDENTS (2000), BENCH_LISTINGS (200), BENCH_PROVIDERS (20), BENCH_WARMUP (500),
// BENCH_TIME_CAP_S (60, per measured phase; warm-up: 15 s), BENCH_DATABASE_URL (server to use;
// the database name is replaced by a fresh one that is dropped at the end; `?socketPath=` is kept),
// REDIS_URL, BENCH_API_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
//
// BENCH_API_PROCESSES (1): API processes, the clients spread over them (group commit per process).
//
// BENCH_FULFILMENT=1: instead of the HTTP/raw phases, a worker process (outbox relay and fulfilment)
// runs beside the API and orders are placed over HTTP for BENCH_FULFILMENT_S (60) seconds; it
// reports commit → `ready` p50/p99 and the backlog (orders not yet ready) sampled every second.
import 'reflect-metadata';
import { ChildProcess } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { NestFactory } from '@nestjs/core';
import { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { Actor } from '../src/common/actor';
import { newId } from '../src/common/ids';
import { dropDatabase } from '../src/database/database-options';
import { TransactionService } from '../src/database/transaction.service';
import { QUEUES } from '../src/jobs/queues';
import { LedgerService } from '../src/ledger/ledger.service';
import { FLAG_DEBITS_MUST_NOT_EXCEED_CREDITS } from '../src/ledger/ledger.types';
import { ORDER_PLACED_JOB } from '../src/orders/orders.service';
import {
  alignedTable,
  Attempt,
  auditLedger,
  createAndMigrate,
  databaseUrlOn,
  deleteRedisKeys,
  findPid,
  freePort,
  intEnv,
  LoadRun,
  machineCpuMs,
  mulberry32,
  percentile,
  postJson,
  procCpuMs,
  rawPool,
  REDIS_URL,
  runLoad,
  startApi,
  startWorker,
  stopApi,
  tokenMinter,
} from './support';

// ---- parameters ----------------------------------------------------------------------------------

const P = {
  residents: intEnv('BENCH_RESIDENTS', 2_000),
  fulfilmentMs: intEnv('BENCH_FULFILMENT_S', 60) * 1000,
  communities: 10,
  listings: intEnv('BENCH_LISTINGS', 200),
  providers: intEnv('BENCH_PROVIDERS', 20),
  concurrency: intEnv('BENCH_CONCURRENCY', 64),
  apiProcesses: intEnv('BENCH_API_PROCESSES', 1),
  orders: intEnv('BENCH_ORDERS', 6_000),
  warmup: intEnv('BENCH_WARMUP', 500),
  timeCapMs: intEnv('BENCH_TIME_CAP_S', 60) * 1000,
  pointsEach: 100_000,
  price: 10,
  stock: 1_000_000,
  hotStock: 10_000_000,
};

const JWT_SECRET = `bench-${randomBytes(12).toString('hex')}`;
const SERVER_URL = process.env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/jifen_bench_orders';

// ---- small helpers -------------------------------------------------------------------------------

/** Deterministic PRNG (mulberry32) so that two runs pick the same residents and listings. */
const rng = mulberry32;

const pick = <T>(xs: T[], r: () => number): T => xs[Math.floor(r() * xs.length)];

// ---- the data set --------------------------------------------------------------------------------

interface Resident {
  id: string;
  communityId: string;
  walletId: string;
  token: string;
}

interface World {
  residents: Resident[];
  listings: string[];
  hotListing: string;
}

/**
 * Regions, providers and listings by SQL; wallets as account rows and points through
 * LedgerService.transferBatch (issuance → wallet, so the ledger audit holds); tokens signed by the
 * app's JwtService with AuthService.claimsOf. The Nest application lives only for this setup.
 */
async function seed(env: Record<string, string>): Promise<World> {
  Object.assign(process.env, env);
  const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'], bodyParser: false });
  await app.init();
  try {
    const db = app.get(DataSource);
    const ledger = app.get(LedgerService);
    const tx = app.get(TransactionService);
    const mintToken = tokenMinter(app);
    const insertRows = async (table: string, cols: string[], rows: unknown[][]) => {
      for (let i = 0; i < rows.length; i += 1000) {
        const chunk = rows.slice(i, i + 1000);
        const ph = `(${cols.map(() => '?').join(', ')})`;
        await db.query(
          `INSERT INTO ${table} (${cols.join(', ')}) VALUES ${chunk.map(() => ph).join(', ')}`,
          chunk.flat(),
        );
      }
    };

    // Regions: city → district → street → communities.
    const city = newId();
    const district = newId();
    const street = newId();
    const cityPath = `/${city}/`;
    const streetPath = `${cityPath}${district}/${street}/`;
    const communities = Array.from({ length: P.communities }, (_, i) => ({
      id: newId(),
      name: `压测社区${i + 1}`,
    }));
    const pathOf = new Map(communities.map((c) => [c.id, `${streetPath}${c.id}/`]));
    await insertRows(
      'regions',
      ['id', 'name', 'kind', 'parent_id', 'path'],
      [
        [city, '压测市', 'city', null, cityPath],
        [district, '压测区', 'district', city, `${cityPath}${district}/`],
        [street, '压测街道', 'street', district, streetPath],
        ...communities.map((c) => [c.id, c.name, 'community', street, pathOf.get(c.id)]),
      ],
    );

    // Providers (merchants) and listings scoped to the whole city; one extra provider owns the hot listing.
    const providers = Array.from({ length: P.providers + 1 }, () => newId());
    await insertRows(
      'organizations',
      ['id', 'name', 'type', 'region_id'],
      providers.map((id, i) => [id, `压测商户${i + 1}`, 'merchant', communities[i % P.communities].id]),
    );
    const listings = Array.from({ length: P.listings }, () => newId());
    const hotListing = newId();
    const creator = newId();
    const listingRow = (id: string, i: number, provider: string, stock: number) => [
      id,
      'goods',
      `压测商品${i + 1}`,
      '基准测试用商品',
      P.price,
      stock,
      30,
      'published',
      provider,
      city,
      cityPath,
      creator,
    ];
    await insertRows(
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
      [
        ...listings.map((id, i) => listingRow(id, i, providers[i % P.providers], P.stock)),
        listingRow(hotListing, P.listings, providers[P.providers], P.hotStock),
      ],
    );

    // Residents (users rows) and their wallets (accounts rows).
    const users = Array.from({ length: P.residents }, (_, i) => ({
      id: newId(),
      username: `bench_r${i}`,
      communityId: communities[i % P.communities].id,
      walletId: newId(),
    }));
    await insertRows(
      'users',
      ['id', 'username', 'password_hash', 'display_name', 'roles', 'region_id', 'active'],
      users.map((u) => [u.id, u.username, null, '李桂英', 'resident', u.communityId, 1]),
    );
    await insertRows(
      'accounts',
      ['id', 'ledger', 'kind', 'owner_type', 'owner_id', 'sub', 'flags'],
      users.map((u) => [
        u.walletId,
        'POINTS',
        'wallet',
        'user',
        u.id,
        '',
        FLAG_DEBITS_MUST_NOT_EXCEED_CREDITS,
      ]),
    );

    // Points through the ledger: one issuance account per community, one batch per community.
    for (const c of communities) {
      const mine = users.filter((u) => u.communityId === c.id);
      await tx.run(async (em) => {
        const issuance = await ledger.issuanceOf(em, c.id);
        await ledger.transferBatch(
          em,
          mine.map((u) => ({
            id: newId(),
            debitAccountId: issuance,
            creditAccountId: u.walletId,
            amount: P.pointsEach,
            code: 'award',
            refType: 'bench',
            refId: u.id,
          })),
        );
      });
    }
    // The providers' redemption accounts exist before the first order (as they would in production).
    await tx.run(async (em) => {
      for (const p of providers) await ledger.redemptionOf(em, p);
    });

    // Tokens: the claims of AuthService.claimsOf, rp = the community's path from the regions table.
    const paths = new Map<string, string>(
      (await db.query('SELECT id, path FROM regions')).map((r: { id: string; path: string }) => [
        r.id,
        r.path,
      ]),
    );
    const residents = users.map((u) => {
      const actor: Actor = {
        id: u.id,
        username: u.username,
        displayName: '李桂英',
        roles: ['resident'],
        regionId: u.communityId,
        regionPath: paths.get(u.communityId) ?? null,
        organizationId: null,
      };
      return {
        id: u.id,
        communityId: u.communityId,
        walletId: u.walletId,
        token: mintToken(actor),
      };
    });
    return { residents, listings, hotListing };
  } finally {
    await app.close();
  }
}

// ---- load generation -----------------------------------------------------------------------------

interface Job {
  resident: Resident;
  listingId: string;
}

interface PhaseResult {
  scenario: string;
  path: 'HTTP' | 'raw SQL';
  requests: number;
  ok: number;
  statuses: Map<string, number>;
  samples: Map<string, string>;
  latencies: Float64Array;
  elapsedMs: number;
  cpu: { api: number | null; db: number | null; client: number; busyPct: number | null };
  retries: number;
  checks: string[];
}

/**
 * Runs `total` orders (or until the time cap) with `concurrency` loops, each sending its next order
 * when the previous one answered. Latency is measured per order from send to full answer.
 */
function drive(
  total: number,
  capMs: number,
  next: () => Job,
  once: (job: Job, client: number) => Promise<Attempt>,
): Promise<LoadRun> {
  return runLoad({
    total,
    capMs,
    workers: Array.from({ length: P.concurrency }, (_, i) => i),
    next: () => next(),
    once: (job, client) => once(job, client),
    isOk: (outcome) => outcome === '201' || outcome === 'ok',
    stopped: () => stopping,
  });
}

/** Client `i` talks to API process `i mod n` (BENCH_API_PROCESSES). */
function httpOrder(agent: http.Agent, ports: number[], job: Job, client: number): Promise<Attempt> {
  return postJson(
    agent,
    ports[client % ports.length],
    '/api/v1/orders',
    { listingId: job.listingId, quantity: 1 },
    job.resident.token,
    randomUUID(),
    201,
  );
}

const RETRYABLE = new Set([1213, 1205]);
let stopping = false;

interface ListingRow extends RowDataPacket {
  id: string;
  title: string;
  points_price: number;
  stock: number | null;
  limit_count: number | null;
  min_credit_level: string | null;
  min_age: number | null;
  valid_from: Date | null;
  valid_until: Date | null;
  redeem_within_days: number;
  status: string;
  provider_organization_id: string;
  scope_path: string;
}

/**
 * The order path's SQL, one transaction per order, in the app's order and with the app's statements:
 * idempotency key, listing read, hold (transfer row + wallet debit + redemption credit, both
 * conditional), stock (conditional, last), order row, outbox row, stored response, commit. What the
 * app looks up each time (wallet and redemption account ids, resident facts) is known here up front.
 */
async function rawOrder(
  pool: Pool,
  redemptionOf: Map<string, string>,
  pathOf: Map<string, string>,
  job: Job,
): Promise<Attempt> {
  const body = { listingId: job.listingId, quantity: 1 };
  const key = randomUUID();
  const scope = `orders:${job.resident.id}`;
  const hash = createHash('sha256').update(JSON.stringify(body)).digest('hex');
  for (let attempt = 1; ; attempt++) {
    let conn: PoolConnection | undefined;
    try {
      conn = await pool.getConnection();
      await conn.query('SET TRANSACTION ISOLATION LEVEL READ COMMITTED');
      await conn.query('START TRANSACTION');
      const outcome = await rawOrderTx(conn, redemptionOf, pathOf, job, { key, scope, hash });
      await conn.query(outcome === 'ok' ? 'COMMIT' : 'ROLLBACK');
      return { outcome, retries: attempt - 1 };
    } catch (err) {
      if (conn) await conn.query('ROLLBACK').catch(() => undefined);
      const errno = (err as { errno?: number }).errno ?? -1;
      if (RETRYABLE.has(errno) && attempt < 5) {
        conn?.release();
        conn = undefined;
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 20 * attempt) + 5 * attempt));
        continue;
      }
      return { outcome: `error ${errno}`, body: (err as Error).message, retries: attempt - 1 };
    } finally {
      conn?.release();
    }
  }
}

async function rawOrderTx(
  conn: PoolConnection,
  redemptionOf: Map<string, string>,
  pathOf: Map<string, string>,
  job: Job,
  idem: { key: string; scope: string; hash: string },
): Promise<string> {
  const now = new Date();
  await conn.query(
    'INSERT INTO idempotency_keys (scope, idem_key, request_hash, created_at) VALUES (?, ?, ?, CURRENT_TIMESTAMP(3))',
    [idem.scope, idem.key, idem.hash],
  );
  const [rows] = await conn.query<ListingRow[]>(
    `SELECT id, kind, title, description, points_price, stock, limit_count, limit_period, min_credit_level,
            min_age, valid_from, valid_until, redeem_within_days, image_url, unit_cost_fen, donation_id, status,
            provider_organization_id, scope_region_id, scope_path, created_by, version, created_at, updated_at
       FROM listings WHERE id = ? LIMIT 1`,
    [job.listingId],
  );
  const l = rows[0];
  if (!l) return 'LISTING_NOT_FOUND';
  const regionPath = pathOf.get(job.resident.communityId) ?? '';
  if (!regionPath.startsWith(l.scope_path) || l.status !== 'published') return 'LISTING_NOT_AVAILABLE';
  if ((l.valid_from && l.valid_from > now) || (l.valid_until && l.valid_until <= now))
    return 'LISTING_NOT_AVAILABLE';
  if (l.limit_count || l.min_credit_level || l.min_age) return 'UNSUPPORTED_IN_RAW_BENCH';
  const id = randomUUID();
  const holdId = randomUUID();
  const total = l.points_price;
  const redemption = redemptionOf.get(l.provider_organization_id)!;
  await conn.query(
    `INSERT INTO transfers (id, ledger, debit_account_id, credit_account_id, amount, phase, pending_id, code, ref_type, ref_id, exempt, created_at)
     VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, CURRENT_TIMESTAMP(3))`,
    [holdId, 'POINTS', job.resident.walletId, redemption, total, 'pending', 'order_hold', 'order', id, 0],
  );
  const [debited] = await conn.query<ResultSetHeader>(
    `UPDATE accounts SET debits_pending = debits_pending + ?
      WHERE id = ? AND (? OR flags & 1 = 0 OR credits_posted - debits_posted - debits_pending >= ?)`,
    [total, job.resident.walletId, 0, total],
  );
  if (!debited.affectedRows) return 'INSUFFICIENT_POINTS';
  const [credited] = await conn.query<ResultSetHeader>(
    `UPDATE accounts SET credits_pending = credits_pending + ?
      WHERE id = ? AND (flags & 2 = 0 OR debits_posted - credits_posted - credits_pending >= ?)`,
    [total, redemption, total],
  );
  if (!credited.affectedRows) return 'CONFLICT';
  const [taken] = await conn.query<ResultSetHeader>(
    'UPDATE listings SET stock = stock - ? WHERE id = ? AND stock >= ?',
    [1, l.id, 1],
  );
  if (!taken.affectedRows && l.stock !== null) return 'OUT_OF_STOCK';
  const expiresAt = new Date(now.getTime() + l.redeem_within_days * 86_400_000);
  await conn.query(
    `INSERT INTO orders (id, resident_id, community_id, listing_id, provider_organization_id, quantity, unit_points,
                         total_points, status, hold_transfer_id, limit_period_key, expires_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      id,
      job.resident.id,
      job.resident.communityId,
      l.id,
      l.provider_organization_id,
      1,
      l.points_price,
      total,
      'pending',
      holdId,
      null,
      expiresAt,
    ],
  );
  await conn.query(
    `INSERT INTO outbox (id, queue, name, payload, available_at, created_at)
     VALUES (?, ?, ?, ?, DATE_ADD(CURRENT_TIMESTAMP(3), INTERVAL ? MICROSECOND), CURRENT_TIMESTAMP(3))`,
    [randomUUID(), QUEUES.orders, ORDER_PLACED_JOB, JSON.stringify({ orderId: id }), 0],
  );
  const view = {
    id,
    status: 'pending',
    residentId: job.resident.id,
    listingId: l.id,
    listingTitle: l.title,
    providerOrganizationId: l.provider_organization_id,
    quantity: 1,
    unitPoints: l.points_price,
    totalPoints: total,
    expiresAt,
    createdAt: now,
    readyAt: null,
    redeemedAt: null,
    cancelledAt: null,
    cancelReason: null,
    expiredAt: null,
  };
  await conn.query(
    'UPDATE idempotency_keys SET response_status = 200, response_body = ? WHERE scope = ? AND idem_key = ?',
    [JSON.stringify(view), idem.scope, idem.key],
  );
  return 'ok';
}

// ---- phases and checks ---------------------------------------------------------------------------

interface Snapshot {
  orders: number;
  holds: number;
  holdPoints: number;
  keys: number;
  outbox: number;
  stock: number;
  walletPending: number;
}

async function snapshot(pool: Pool): Promise<Snapshot> {
  const [[r]] = await pool.query<RowDataPacket[]>(
    `SELECT (SELECT COUNT(*) FROM orders) AS orders,
            (SELECT COUNT(*) FROM transfers WHERE phase = 'pending') AS holds,
            (SELECT COALESCE(SUM(amount), 0) FROM transfers WHERE phase = 'pending') AS holdPoints,
            (SELECT COUNT(*) FROM idempotency_keys WHERE scope LIKE 'orders:%') AS \`keys\`,
            (SELECT COUNT(*) FROM outbox) AS outbox,
            (SELECT COALESCE(SUM(stock), 0) FROM listings) AS stock,
            (SELECT COALESCE(SUM(debits_pending), 0) FROM accounts WHERE kind = 'wallet') AS walletPending`,
  );
  const n = (k: string) => Number(r[k]);
  return {
    orders: n('orders'),
    holds: n('holds'),
    holdPoints: n('holdPoints'),
    keys: n('keys'),
    outbox: n('outbox'),
    stock: n('stock'),
    walletPending: n('walletPending'),
  };
}

/** Everything one order leaves behind moved by exactly the number of successful answers; no 5xx. */
function verify(before: Snapshot, after: Snapshot, r: Omit<PhaseResult, 'checks'>): string[] {
  const problems: string[] = [];
  const expect = (what: string, got: number, want: number) => {
    if (got !== want) problems.push(`${what}: ${got}, expected ${want}`);
  };
  expect('new orders', after.orders - before.orders, r.ok);
  expect('new pending holds', after.holds - before.holds, r.ok);
  expect('new idempotency keys', after.keys - before.keys, r.ok);
  expect('new outbox rows', after.outbox - before.outbox, r.ok);
  expect('stock taken', before.stock - after.stock, r.ok);
  expect('points held in wallets', after.walletPending - before.walletPending, r.ok * P.price);
  expect('wallet holds vs pending transfers', after.walletPending, after.holdPoints);
  const fivexx = [...r.statuses].filter(([s]) => /^5\d\d$/.test(s)).reduce((a, [, n]) => a + n, 0);
  if (fivexx) problems.push(`${fivexx} answers with a 5xx status`);
  const errors = [...r.statuses].filter(([s]) => /error/.test(s)).reduce((a, [, n]) => a + n, 0);
  if (errors) problems.push(`${errors} requests failed without an answer`);
  return problems;
}

interface Ctx {
  pool: Pool;
  ports: number[];
  apis: ChildProcess[];
  dbPid?: number;
  redemptionOf: Map<string, string>;
  pathOf: Map<string, string>;
}

async function phase(
  ctx: Ctx,
  scenario: string,
  via: 'HTTP' | 'raw SQL',
  total: number,
  next: () => Job,
  capMs = P.timeCapMs,
): Promise<PhaseResult> {
  if (stopping) throw new Error('interrupted');
  const agent = new http.Agent({ keepAlive: true, maxSockets: P.concurrency });
  const before = await snapshot(ctx.pool);
  const load0 = loadAverage();
  const cpu0 = {
    api: apisCpuMs(ctx),
    db: procCpuMs(ctx.dbPid),
    client: process.cpuUsage(),
    machine: machineCpuMs(),
  };
  const run =
    via === 'HTTP'
      ? await drive(total, capMs, next, (job, client) => httpOrder(agent, ctx.ports, job, client))
      : await drive(total, capMs, next, (job) => rawOrder(ctx.pool, ctx.redemptionOf, ctx.pathOf, job));
  const api1 = apisCpuMs(ctx);
  const db1 = procCpuMs(ctx.dbPid);
  const client = process.cpuUsage(cpu0.client);
  const machine1 = machineCpuMs();
  agent.destroy();
  const after = await snapshot(ctx.pool);
  const diff = (a: number | null, b: number | null) => (a === null || b === null ? null : b - a);
  const m =
    cpu0.machine && machine1
      ? { busy: machine1.busy - cpu0.machine.busy, total: machine1.total - cpu0.machine.total }
      : null;
  const result = {
    scenario,
    path: via,
    ...run,
    cpu: {
      api: via === 'HTTP' ? diff(cpu0.api, api1) : null,
      db: diff(cpu0.db, db1),
      client: (client.user + client.system) / 1000,
      busyPct: m && m.total ? (100 * m.busy) / m.total : null,
    },
  };
  const checks = verify(before, after, result);
  const success = via === 'HTTP' ? '201' : 'ok';
  const others = [...result.statuses].filter(([s]) => s !== success).map(([s, n]) => `${s}×${n}`);
  const statusText = `${success}×${result.ok}; ${via === 'HTTP' ? 'non-201' : 'failed'}: ${others.join(', ') || 'none'}`;
  console.log(
    `  ${scenario} / ${via}: ${result.requests} requests in ${(result.elapsedMs / 1000).toFixed(1)} s (${statusText})` +
      (result.retries ? `, ${result.retries} deadlock retries` : '') +
      `, load average ${load0} → ${loadAverage()}` +
      (checks.length ? `\n    CHECK FAILED: ${checks.join('; ')}` : ', checks passed'),
  );
  for (const [s, b] of result.samples) console.log(`    sample ${s}: ${b}`);
  return { ...result, checks };
}

/** CPU of every API process together (null when /proc is not readable). */
function apisCpuMs(ctx: Ctx): number | null {
  const each = ctx.apis.map((a) => procCpuMs(a.pid));
  return each.some((x) => x === null) ? null : each.reduce((a, b) => a! + b!, 0);
}

/** The 1-minute load average of the machine (2 cores shared with others: context for every number). */
const loadAverage = (): string => os.loadavg()[0].toFixed(2);

interface FulfilmentResult {
  placed: number;
  placedPerS: number;
  readyMs: Float64Array;
  backlog: number[];
  drainedMs: number | null;
}

/**
 * Orders over HTTP for `P.fulfilmentMs` with the worker running; every second the backlog (orders
 * of the run not `ready` yet). Commit → ready per order: `ready_at - created_at` (created_at is the
 * app's clock when the batch started, so this includes the placement transaction: an upper bound).
 */
async function fulfilmentPhase(ctx: Ctx, next: () => Job): Promise<FulfilmentResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: P.concurrency });
  const [[{ t0 }]] = await ctx.pool.query<RowDataPacket[]>('SELECT CURRENT_TIMESTAMP(3) AS t0');
  const since = t0 as Date;
  const pendingOfRun = async () =>
    Number(
      (
        await ctx.pool.query<RowDataPacket[]>(
          "SELECT COUNT(*) n FROM orders WHERE created_at >= ? AND status = 'pending'",
          [since],
        )
      )[0][0].n,
    );
  const backlog: number[] = [];
  const sampler = setInterval(() => {
    void pendingOfRun().then((n) => backlog.push(n));
  }, 1000);
  const run = await runLoad({
    total: 10_000_000,
    capMs: P.fulfilmentMs,
    workers: Array.from({ length: P.concurrency }, (_, i) => i),
    next: () => next(),
    once: (job, client) => httpOrder(agent, ctx.ports, job, client),
    isOk: (outcome) => outcome === '201',
    stopped: () => stopping,
  });
  clearInterval(sampler);
  agent.destroy();
  const endedAt = performance.now();
  let drainedMs: number | null = null;
  while (performance.now() - endedAt < 60_000) {
    if ((await pendingOfRun()) === 0) {
      drainedMs = performance.now() - endedAt;
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const [rows] = await ctx.pool.query<RowDataPacket[]>(
    `SELECT TIMESTAMPDIFF(MICROSECOND, created_at, ready_at) / 1000 AS ms FROM orders
      WHERE created_at >= ? AND ready_at IS NOT NULL`,
    [since],
  );
  const readyMs = Float64Array.from(rows.map((r) => Number(r.ms))).sort();
  return { placed: run.ok, placedPerS: (run.ok / run.elapsedMs) * 1000, readyMs, backlog, drainedMs };
}

async function fulfilmentMain(
  ctx: Ctx,
  env: Record<string, string>,
  anyListing: () => Job,
): Promise<boolean> {
  const worker = await startWorker(env);
  try {
    console.log(`  worker process ${worker.pid} (APP_ROLE=worker) up; warm-up (${P.warmup} orders)`);
    await phase(ctx, 'warm-up', 'HTTP', P.warmup, anyListing, 15_000);
    const load0 = loadAverage();
    const w0 = procCpuMs(worker.pid);
    const f = await fulfilmentPhase(ctx, anyListing);
    const w1 = procCpuMs(worker.pid);
    const half = Math.floor(f.backlog.length / 2);
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    console.log(
      `\nfulfilment, ${P.concurrency} clients for ${P.fulfilmentMs / 1000} s (load average ${load0} → ${loadAverage()}):`,
    );
    console.log(`  placed ${f.placed} orders, ${f.placedPerS.toFixed(0)}/s (HTTP 201)`);
    console.log(
      `  commit → ready: ${f.readyMs.length} orders, p50 ${percentile(f.readyMs, 0.5).toFixed(0)} ms, ` +
        `p99 ${percentile(f.readyMs, 0.99).toFixed(0)} ms, max ${percentile(f.readyMs, 1).toFixed(0)} ms`,
    );
    console.log(
      `  backlog (orders not ready, every second): ${f.backlog.join(' ')}\n` +
        `  first half avg ${avg(f.backlog.slice(0, half)).toFixed(0)}, second half avg ${avg(f.backlog.slice(half)).toFixed(0)}, ` +
        `drained ${f.drainedMs === null ? 'NOT within 60 s' : `${(f.drainedMs / 1000).toFixed(1)} s`} after the load stopped`,
    );
    if (w0 !== null && w1 !== null && f.placed)
      console.log(`  worker CPU ${((w1 - w0) / f.placed).toFixed(2)} ms/order`);
    return f.drainedMs !== null;
  } finally {
    await stopApi(worker);
  }
}

// ---- report --------------------------------------------------------------------------------------

function table(results: PhaseResult[]): string {
  const rows: string[][] = [
    ['scenario', 'path', 'requests', 'orders/s', 'p50 ms', 'p99 ms', 'HTTP/raw orders/s', 'HTTP/raw p50'],
  ];
  for (const r of results) {
    const tput = (r.ok / r.elapsedMs) * 1000;
    const raw = results.find((x) => x.scenario === r.scenario && x.path === 'raw SQL');
    const rawTput = raw ? (raw.ok / raw.elapsedMs) * 1000 : NaN;
    const vsRaw = r.path === 'HTTP' && raw;
    rows.push([
      r.scenario,
      r.path,
      String(r.requests),
      tput.toFixed(0),
      percentile(r.latencies, 0.5).toFixed(1),
      percentile(r.latencies, 0.99).toFixed(1),
      vsRaw ? `${(tput / rawTput).toFixed(2)}x` : '',
      vsRaw ? `${(percentile(r.latencies, 0.5) / percentile(raw.latencies, 0.5)).toFixed(1)}x` : '',
    ]);
  }
  return alignedTable(rows);
}

function cpuTable(results: PhaseResult[]): string {
  const ms = (v: number | null, n: number) => (v === null || !n ? 'n/a' : (v / n).toFixed(2));
  const rows: string[][] = [
    [
      'scenario',
      'path',
      'api CPU ms/order',
      'load-gen CPU ms/order',
      'mariadbd CPU ms/order',
      'machine busy',
    ],
  ];
  for (const r of results) {
    rows.push([
      r.scenario,
      r.path,
      r.path === 'HTTP' ? ms(r.cpu.api, r.ok) : '-',
      ms(r.cpu.client, r.ok),
      ms(r.cpu.db, r.ok),
      r.cpu.busyPct === null ? 'n/a' : `${r.cpu.busyPct.toFixed(0)}%`,
    ]);
  }
  return alignedTable(rows);
}

// ---- main ----------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const dbName = `jifen_bench_orders_${process.pid}`;
  const databaseUrl = databaseUrlOn(SERVER_URL, dbName);
  const queuePrefix = `jbench${process.pid}${randomBytes(3).toString('hex')}`;
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    APP_ROLE: 'api',
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    QUEUE_PREFIX: queuePrefix,
    LOG_LEVEL: 'warn',
    JWT_SECRET,
    ADMIN_USERNAME: 'admin',
    ADMIN_PASSWORD: randomBytes(12).toString('hex'),
    KEY_ENCRYPTION_SECRET: randomBytes(16).toString('hex'),
  };
  console.log(
    `orders benchmark: ${P.residents} residents, ${P.listings} listings (${P.providers} providers) + 1 hot listing, ` +
      `${P.concurrency} connections, ${P.orders} orders per phase (cap ${P.timeCapMs / 1000} s), database ${dbName}, ` +
      `load average ${os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
  );
  const apis: ChildProcess[] = [];
  let pool: Pool | undefined;
  let failed = false;
  const stop = () => {
    console.error('interrupted: finishing the orders in flight, then cleaning up');
    stopping = true;
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    let t = performance.now();
    await createAndMigrate(databaseUrl);
    const world = await seed(env);
    console.log(
      `  setup (migrations, residents, points, tokens): ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );

    t = performance.now();
    const nodeArgs = (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const ports: number[] = [];
    for (let i = 0; i < P.apiProcesses; i++) {
      ports.push(await freePort());
      apis.push(await startApi(env, ports[i], nodeArgs));
    }
    console.log(
      `  API process${apis.length > 1 ? 'es' : ''} ${apis.map((a) => a.pid).join(', ')} (APP_ROLE=api) up in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );

    pool = rawPool(databaseUrl, P.concurrency);
    const [accounts] = await pool.query<RowDataPacket[]>(
      "SELECT owner_id, id FROM accounts WHERE kind = 'redemption'",
    );
    const [regions] = await pool.query<RowDataPacket[]>('SELECT id, path FROM regions');
    const ctx: Ctx = {
      pool,
      ports,
      apis,
      dbPid: findPid(['mariadbd', 'mysqld']),
      redemptionOf: new Map(accounts.map((a) => [String(a.owner_id), String(a.id)])),
      pathOf: new Map(regions.map((r) => [String(r.id), String(r.path)])),
    };

    const r = rng(20_251_201);
    const anyListing = () => ({ resident: pick(world.residents, r), listingId: pick(world.listings, r) });
    const hot = () => ({ resident: pick(world.residents, r), listingId: world.hotListing });
    const RANDOM = `random listing (${P.listings})`;
    const HOT = 'hot listing (1)';

    if (process.env.BENCH_FULFILMENT === '1') {
      if (!(await fulfilmentMain(ctx, env, anyListing))) failed = true;
      const audit = await auditLedger(databaseUrl);
      if (!audit.ok) {
        failed = true;
        console.log(`ledger audit: ${JSON.stringify(audit.violations).slice(0, 500)}`);
      } else console.log('  ledger audit ok');
      return;
    }
    console.log(`warm-up (${P.warmup} orders each way, not reported):`);
    const warm = [
      await phase(ctx, 'warm-up', 'HTTP', P.warmup, anyListing, 15_000),
      await phase(ctx, 'warm-up', 'raw SQL', P.warmup, anyListing, 15_000),
    ];
    console.log('measured:');
    const results: PhaseResult[] = [];
    results.push(await phase(ctx, RANDOM, 'HTTP', P.orders, anyListing));
    results.push(await phase(ctx, RANDOM, 'raw SQL', P.orders, anyListing));
    results.push(await phase(ctx, HOT, 'HTTP', P.orders, hot));
    results.push(await phase(ctx, HOT, 'raw SQL', P.orders, hot));

    const audit = await auditLedger(databaseUrl);

    console.log(
      `\nPOST /api/v1/orders vs raw mysql2, ${P.concurrency} concurrent, ${new Date().toISOString()}`,
    );
    console.log(table(results));
    console.log(
      '\nCPU per successful order (from /proc; mariadbd includes anything else the server was doing)',
    );
    console.log(cpuTable(results));
    const problems = [...warm, ...results].flatMap((x) =>
      x.checks.map((c) => `${x.scenario} / ${x.path}: ${c}`),
    );
    if (!audit.ok) problems.push(`ledger audit: ${JSON.stringify(audit.violations).slice(0, 500)}`);
    if (results.some((x) => x.requests < P.orders)) console.log('\nnote: some phases hit the time cap');
    if (problems.length) {
      failed = true;
      console.log(`\nCORRECTNESS CHECKS FAILED:\n  ${problems.join('\n  ')}`);
    } else {
      console.log(
        '\nchecks: every phase left exactly one order, hold, key, outbox row and unit of stock per',
      );
      console.log('successful answer, no 5xx, no request without an answer; ledger audit ok');
    }
  } catch (err) {
    failed = true;
    console.error(err);
  } finally {
    await Promise.all(apis.map((a) => stopApi(a)));
    await pool?.end();
    await dropDatabase(databaseUrl);
    await deleteRedisKeys(queuePrefix).catch(() => undefined);
    console.log(`dropped ${dbName}`);
  }
  if (failed) process.exitCode = 1;
}

void main();
