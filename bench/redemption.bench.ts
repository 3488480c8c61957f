// Redemption benchmark: `POST /api/v1/redemptions` (the real app, a separate process, APP_ROLE=api)
// over ready vouchers, next to a raw mysql2 script doing the same work (signature check, the app's
// lookups and its capture transaction) in the same run; then Ed25519 signature checks per second on
// one core. See bench/README.md for the figures.
//
//   npm run bench:redemption
//
// Knobs (environment): BENCH_VOUCHERS (per measured phase, default 10000), BENCH_CONCURRENCY (32),
// BENCH_WARMUP (500 per path), BENCH_TIME_CAP_S (120 per phase), BENCH_VERIFY_S (3),
// BENCH_DATABASE_URL (server; a fresh database is created and dropped), REDIS_URL,
// BENCH_DB_POOL_SIZE (the API's DB_POOL_SIZE; default the app's own, 20),
// BENCH_API_NODE_ARGS (extra node flags for the API process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
import 'reflect-metadata';
import { ChildProcess } from 'node:child_process';
import { createHash, randomBytes, randomUUID, verify as edVerify } from 'node:crypto';
import http from 'node:http';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { NestFactory } from '@nestjs/core';
import { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { Actor } from '../src/common/actor';
import { newId } from '../src/common/ids';
import { dropDatabase } from '../src/database/database-options';
import { TransactionService } from '../src/database/transaction.service';
import { LedgerService } from '../src/ledger/ledger.service';
import { FLAG_DEBITS_MUST_NOT_EXCEED_CREDITS } from '../src/ledger/ledger.types';
import { parseCode } from '../src/signing/code-format';
import { CodeSigner, rawToPublicKey } from '../src/signing/code-signer.service';
import {
  Attempt,
  auditLedger,
  createAndMigrate,
  databaseUrlOn,
  deleteRedisKeys,
  findPid,
  freePort,
  intEnv,
  machineCpuMs,
  markdownTable,
  percentile,
  postJson,
  procCpuMs,
  rawPool,
  REDIS_URL,
  runLoad,
  seconds,
  startApi,
  stopApi,
  tokenMinter,
} from './support';

const P = {
  vouchers: intEnv('BENCH_VOUCHERS', 10_000),
  concurrency: intEnv('BENCH_CONCURRENCY', 32),
  warmup: intEnv('BENCH_WARMUP', 500),
  timeCapMs: intEnv('BENCH_TIME_CAP_S', 120) * 1000,
  verifyMs: intEnv('BENCH_VERIFY_S', 3) * 1000,
  price: 10,
  points: 100,
};

const SERVER_URL = process.env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/jifen_bench_redemption';
const JWT_SECRET = `bench-${randomBytes(12).toString('hex')}`;

// ---- the data set --------------------------------------------------------------------------------

interface Voucher {
  orderId: string;
  holdId: string;
  /** The id the capture (post) will have: LedgerService.deriveId('order_capture', orderId). */
  captureId: string;
  walletId: string;
  residentId: string;
  code: string;
}

interface Till {
  staffId: string;
  token: string;
  deviceId: string;
}

interface World {
  organizationId: string;
  redemptionAccount: string;
  /** One set per phase: warm-up HTTP, warm-up raw, HTTP, raw, hot codes (50 scans of each). */
  sets: Voucher[][];
  tills: Till[];
}

/**
 * One merchant with one listing and `concurrency` tills (staff logins), and one ready voucher per
 * resident: users, wallets and points through LedgerService.transferBatch; the holds, orders and
 * vouchers written in bulk exactly as the order path leaves them (pending transfer with the app's
 * derived id, wallet debits_pending, the merchant's credits_pending, a signed code), which the
 * ledger audit at the end checks. The application context lives only for this setup.
 */
async function seed(env: Record<string, string>, sizes: number[]): Promise<World> {
  Object.assign(process.env, env);
  const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
  try {
    const db = app.get(DataSource);
    const ledger = app.get(LedgerService);
    const tx = app.get(TransactionService);
    const signer = app.get(CodeSigner);
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

    const city = newId();
    const district = newId();
    const street = newId();
    const community = newId();
    const cityPath = `/${city}/`;
    const communityPath = `${cityPath}${district}/${street}/${community}/`;
    await insertRows(
      'regions',
      ['id', 'name', 'kind', 'parent_id', 'path'],
      [
        [city, '压测市', 'city', null, cityPath],
        [district, '压测区', 'district', city, `${cityPath}${district}/`],
        [street, '压测街道', 'street', district, `${cityPath}${district}/${street}/`],
        [community, '压测社区', 'community', street, communityPath],
      ],
    );
    const org = newId();
    await insertRows(
      'organizations',
      ['id', 'name', 'type', 'region_id'],
      [[org, '压测惠民超市', 'merchant', community]],
    );
    const listing = newId();
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
        [
          listing,
          'goods',
          '压测商品',
          '基准测试用商品',
          P.price,
          null,
          30,
          'published',
          org,
          city,
          cityPath,
          newId(),
        ],
      ],
    );

    // Tills: one merchant_staff login per connection.
    const tills = Array.from({ length: P.concurrency }, (_, i) => ({
      id: newId(),
      username: `bench_till${i}`,
    }));
    await insertRows(
      'users',
      ['id', 'username', 'password_hash', 'display_name', 'roles', 'region_id', 'organization_id', 'active'],
      tills.map((s) => [s.id, s.username, null, '收银员', 'merchant_staff', community, org, 1]),
    );

    // Residents with wallets and points (through the ledger).
    const total = sizes.reduce((a, b) => a + b, 0);
    const residents = Array.from({ length: total }, (_, i) => ({
      id: newId(),
      username: `bench_r${i}`,
      walletId: newId(),
      orderId: newId(),
    }));
    await insertRows(
      'users',
      ['id', 'username', 'password_hash', 'display_name', 'roles', 'region_id', 'active'],
      residents.map((u) => [u.id, u.username, null, '李桂英', 'resident', community, 1]),
    );
    await insertRows(
      'accounts',
      ['id', 'ledger', 'kind', 'owner_type', 'owner_id', 'sub', 'flags'],
      residents.map((u) => [
        u.walletId,
        'POINTS',
        'wallet',
        'user',
        u.id,
        '',
        FLAG_DEBITS_MUST_NOT_EXCEED_CREDITS,
      ]),
    );
    for (let i = 0; i < residents.length; i += 2000) {
      await tx.run(async (em) => {
        const issuance = await ledger.issuanceOf(em, community);
        await ledger.transferBatch(
          em,
          residents.slice(i, i + 2000).map((u) => ({
            id: newId(),
            debitAccountId: issuance,
            creditAccountId: u.walletId,
            amount: P.points,
            code: 'award',
            refType: 'bench',
            refId: u.id,
          })),
        );
      });
    }
    const redemptionAccount = await tx.run((em) => ledger.redemptionOf(em, org));

    // The holds, as the order path writes them (pending transfer + both pending columns).
    const holdOf = (orderId: string) => ledger.deriveId('order_hold', orderId);
    await insertRows(
      'transfers',
      [
        'id',
        'ledger',
        'debit_account_id',
        'credit_account_id',
        'amount',
        'phase',
        'code',
        'ref_type',
        'ref_id',
      ],
      residents.map((u) => [
        holdOf(u.orderId),
        'POINTS',
        u.walletId,
        redemptionAccount,
        P.price,
        'pending',
        'order_hold',
        'order',
        u.orderId,
      ]),
    );
    for (let i = 0; i < residents.length; i += 2000) {
      await db.query('UPDATE accounts SET debits_pending = debits_pending + ? WHERE id IN (?)', [
        P.price,
        residents.slice(i, i + 2000).map((u) => u.walletId),
      ]);
    }
    await db.query('UPDATE accounts SET credits_pending = credits_pending + ? WHERE id = ?', [
      P.price * total,
      redemptionAccount,
    ]);

    // Ready orders and their signed vouchers.
    const expiresAt = new Date(Date.now() + 30 * 86_400_000);
    const codes: string[] = [];
    for (const u of residents) {
      codes.push(
        (await signer.sign({ type: 'voucher', subject: u.orderId, aux: org, expiresAt, extra: 0 })).code,
      );
    }
    const kid = parseCode(codes[0])!.claims.kid;
    await insertRows(
      'orders',
      [
        'id',
        'resident_id',
        'community_id',
        'listing_id',
        'provider_organization_id',
        'quantity',
        'unit_points',
        'total_points',
        'status',
        'hold_transfer_id',
        'expires_at',
        'ready_at',
      ],
      residents.map((u) => [
        u.orderId,
        u.id,
        community,
        listing,
        org,
        1,
        P.price,
        P.price,
        'ready',
        holdOf(u.orderId),
        expiresAt,
        new Date(),
      ]),
    );
    await insertRows(
      'vouchers',
      ['order_id', 'kid', 'code', 'expires_at'],
      residents.map((u, i) => [u.orderId, kid, codes[i], expiresAt]),
    );

    const vouchers: Voucher[] = residents.map((u, i) => ({
      orderId: u.orderId,
      holdId: holdOf(u.orderId),
      captureId: ledger.deriveId('order_capture', u.orderId),
      walletId: u.walletId,
      residentId: u.id,
      code: codes[i],
    }));
    const sets: Voucher[][] = [];
    let at = 0;
    for (const n of sizes) {
      sets.push(vouchers.slice(at, at + n));
      at += n;
    }
    const tillLogins = tills.map((s, i) => {
      const actor: Actor = {
        id: s.id,
        username: s.username,
        displayName: '收银员',
        roles: ['merchant_staff'],
        regionId: community,
        regionPath: communityPath,
        organizationId: org,
      };
      return { staffId: s.id, token: mintToken(actor), deviceId: `till-${i}` };
    });
    return { organizationId: org, redemptionAccount, sets, tills: tillLogins };
  } finally {
    await app.close();
  }
}

// ---- load ----------------------------------------------------------------------------------------

interface PhaseResult {
  name: string;
  requests: number;
  ok: number;
  statuses: Map<string, number>;
  samples: Map<string, string>;
  latencies: Float64Array;
  elapsedMs: number;
  /** CPU ms per scan of the API process (null for the raw path) and of this process. */
  apiCpuMs: number | null;
  clientCpuMs: number;
  /** CPU ms per scan of mariadbd (which includes whatever else the server did meanwhile). */
  dbCpuMs: number | null;
  /** Share of the whole machine's CPU that was busy during the phase (all processes), and the load. */
  machineBusyPct: number | null;
  loadAvg: number;
}

/** `concurrency` loops, one per till, each scanning its next voucher when the previous one answered. */
async function drive(
  name: string,
  vouchers: Voucher[],
  tills: Till[],
  once: (v: Voucher, till: Till) => Promise<Attempt>,
  apiPid?: number,
): Promise<PhaseResult> {
  const api0 = procCpuMs(apiPid);
  const dbPid = findPid(['mariadbd', 'mysqld']);
  const db0 = procCpuMs(dbPid);
  const machine0 = machineCpuMs();
  const client0 = process.cpuUsage();
  const { requests, ok, statuses, samples, latencies, elapsedMs } = await runLoad({
    total: vouchers.length,
    capMs: P.timeCapMs,
    workers: tills,
    next: (i) => vouchers[i],
    once,
    isOk: (outcome) => outcome === '200',
  });
  const done = latencies.length;
  const api1 = procCpuMs(apiPid);
  const db1 = procCpuMs(dbPid);
  const machine1 = machineCpuMs();
  const client = process.cpuUsage(client0);
  return {
    name,
    requests,
    ok,
    statuses,
    samples,
    latencies,
    elapsedMs,
    apiCpuMs: api0 !== null && api1 !== null && done ? (api1 - api0) / done : null,
    clientCpuMs: done ? (client.user + client.system) / 1000 / done : 0,
    dbCpuMs: db0 !== null && db1 !== null && done ? (db1 - db0) / done : null,
    machineBusyPct:
      machine0 && machine1
        ? (100 * (machine1.busy - machine0.busy)) / (machine1.total - machine0.total)
        : null,
    loadAvg: os.loadavg()[0],
  };
}

function httpRedeem(agent: http.Agent, port: number, v: Voucher, till: Till): Promise<Attempt> {
  return postJson(
    agent,
    port,
    '/api/v1/redemptions',
    { code: v.code, deviceId: till.deviceId },
    till.token,
    randomUUID(),
    200,
  );
}

const RETRYABLE = new Set([1213, 1205]);

/**
 * What the app does for one scan, as plain mysql2: the signature check (key from memory), the key's
 * status and the organisation (the app's two reads before the transaction), then the capture
 * transaction with the app's statements in the app's order: idempotency key, order row locked,
 * listing title and resident name, audit line, conditional state change, redemption row,
 * notification, the cost-of-redemption lookups, the order read back, the ledger post (existing?
 * lock the hold, resolved? insert, wallet, merchant account, read back), the stored response, commit.
 */
async function rawRedeem(
  pool: Pool,
  keys: Map<string, ReturnType<typeof rawToPublicKey>>,
  v: Voucher,
  till: Till,
): Promise<Attempt> {
  const parsed = parseCode(v.code);
  const key = parsed && keys.get(parsed.claims.kid);
  if (!parsed || !key || !edVerify(null, parsed.header, key, parsed.signature)) return { outcome: '400' };
  const [status] = await pool.query<RowDataPacket[]>('SELECT status FROM signing_keys WHERE kid = ?', [
    parsed.claims.kid,
  ]);
  if (status[0]?.status !== 'active' && status[0]?.status !== 'retired') return { outcome: '400' };
  const [orgs] = await pool.query<RowDataPacket[]>('SELECT * FROM organizations WHERE id = ?', [
    parsed.claims.aux,
  ]);
  if (!orgs[0]) return { outcome: '403' };
  const idemKey = randomUUID();
  const scope = `redemptions:${till.staffId}`;
  const hash = createHash('sha256')
    .update(JSON.stringify({ code: v.code, deviceId: till.deviceId }))
    .digest('hex');
  for (let attempt = 1; ; attempt++) {
    let conn: PoolConnection | undefined;
    try {
      conn = await pool.getConnection();
      await conn.query('SET TRANSACTION ISOLATION LEVEL READ COMMITTED');
      await conn.query('START TRANSACTION');
      const outcome = await rawCapture(conn, v, till, { idemKey, scope, hash });
      if (outcome === '200') await conn.query('COMMIT');
      else await conn.query('ROLLBACK');
      return { outcome };
    } catch (err) {
      await conn?.query('ROLLBACK').catch(() => undefined);
      const errno = (err as { errno?: number }).errno ?? -1;
      if (RETRYABLE.has(errno) && attempt < 5) continue;
      return { outcome: `error ${errno}`, body: (err as Error).message };
    } finally {
      conn?.release();
    }
  }
}

async function rawCapture(
  c: PoolConnection,
  v: Voucher,
  till: Till,
  k: { idemKey: string; scope: string; hash: string },
): Promise<string> {
  await c.query(
    'INSERT INTO idempotency_keys (scope, idem_key, request_hash, created_at) VALUES (?, ?, ?, CURRENT_TIMESTAMP(3))',
    [k.scope, k.idemKey, k.hash],
  );
  const [orders] = await c.query<RowDataPacket[]>('SELECT * FROM orders WHERE id = ? LIMIT 1 FOR UPDATE', [
    v.orderId,
  ]);
  const order = orders[0];
  if (!order) return '400';
  if (order.status !== 'ready') return order.status === 'redeemed' ? '409' : '410';
  if (new Date(order.expires_at).getTime() <= Date.now()) return '410';
  await c.query(
    'SELECT (SELECT title FROM listings WHERE id = ?) AS title, (SELECT display_name FROM users WHERE id = ?) AS display_name',
    [order.listing_id, order.resident_id],
  );
  await c.query(
    `INSERT INTO scan_audit (id, actor_id, organization_id, device_id, outcome, order_id, created_at)
     VALUES (?, ?, ?, ?, 'REDEEMED', ?, CURRENT_TIMESTAMP(3))`,
    [newId(), till.staffId, order.provider_organization_id, till.deviceId, v.orderId],
  );
  const [moved] = await c.query<any>(
    `UPDATE orders SET status = 'redeemed', redeemed_at = CURRENT_TIMESTAMP(3), redeemed_by = ?, redeemed_device = ?
      WHERE id = ? AND status IN (?)`,
    [till.staffId, till.deviceId, v.orderId, ['ready']],
  );
  if (moved.affectedRows !== 1) return '409';
  const captureId = v.captureId;
  await c.query(
    `INSERT INTO redemptions (id, order_id, organization_id, listing_id, resident_id, community_id, points, redeemed_by,
       device_id, channel, scan_id, scanned_at, capture_transfer_id, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'online', NULL, ?, ?, CURRENT_TIMESTAMP(3))`,
    [
      newId(),
      v.orderId,
      order.provider_organization_id,
      order.listing_id,
      order.resident_id,
      order.community_id,
      order.total_points,
      till.staffId,
      till.deviceId,
      new Date(),
      captureId,
    ],
  );
  await c.query(
    `INSERT INTO notifications (id, user_id, kind, title, body, ref_type, ref_id, created_at)
     VALUES (?, ?, 'order_redeemed', '兑换成功', ?, 'order', ?, CURRENT_TIMESTAMP(3)) ON DUPLICATE KEY UPDATE id = id`,
    [newId(), order.resident_id, `您的兑换券已核销，${order.total_points} 积分已扣除。`, v.orderId],
  );
  // FundingService.recognizeRedemptionCost (no donated lots here: two reads)
  await c.query(
    'SELECT lot_id, quantity, unit_value_fen, amount_fen FROM lot_consumptions WHERE order_id = ?',
    [v.orderId],
  );
  await c.query(
    'SELECT id, remaining, unit_value_fen, community_id FROM donation_lots WHERE listing_id = ? AND remaining > 0 LIMIT 20',
    [order.listing_id],
  );
  await c.query('SELECT * FROM orders WHERE id = ? LIMIT 1', [v.orderId]);
  // LedgerService.post (last: the merchant's account row is locked from its update to the commit)
  await c.query('SELECT * FROM transfers WHERE id = ?', [captureId]);
  const [holds] = await c.query<RowDataPacket[]>('SELECT * FROM transfers WHERE id = ? FOR UPDATE', [
    v.holdId,
  ]);
  const hold = holds[0];
  if (!hold || hold.phase !== 'pending') return '500';
  const [prior] = await c.query<RowDataPacket[]>('SELECT * FROM transfers WHERE pending_id = ?', [v.holdId]);
  if (prior.length) return '409';
  await c.query(
    `INSERT INTO transfers (id, ledger, debit_account_id, credit_account_id, amount, phase, pending_id, code, ref_type, ref_id, exempt, created_at)
     VALUES (?, ?, ?, ?, ?, 'post', ?, 'redeem', 'order', ?, 0, CURRENT_TIMESTAMP(3))`,
    [captureId, hold.ledger, hold.debit_account_id, hold.credit_account_id, hold.amount, v.holdId, v.orderId],
  );
  await c.query(
    'UPDATE accounts SET debits_pending = debits_pending - ?, debits_posted = debits_posted + ? WHERE id = ?',
    [hold.amount, hold.amount, hold.debit_account_id],
  );
  await c.query(
    'UPDATE accounts SET credits_pending = credits_pending - ?, credits_posted = credits_posted + ? WHERE id = ?',
    [hold.amount, hold.amount, hold.credit_account_id],
  );
  await c.query('SELECT * FROM transfers WHERE id = ?', [captureId]);
  await c.query(
    'UPDATE idempotency_keys SET response_status = 200, response_body = ? WHERE scope = ? AND idem_key = ?',
    [JSON.stringify({ orderId: v.orderId }), k.scope, k.idemKey],
  );
  return '200';
}

/** Ed25519 verifications per second on this thread (one core), over real voucher codes. */
/**
 * Ed25519 verifications per second on one core, over real voucher codes, in a single-threaded loop:
 * per second of CPU time this thread got (the per-core rate, whatever else the machine runs) and per
 * second of wall-clock time (what it got here, on a shared machine).
 */
function verifyRate(
  codes: string[],
  keys: Map<string, ReturnType<typeof rawToPublicKey>>,
): { verify: { cpu: number; wall: number }; parseAndVerify: { cpu: number; wall: number } } {
  const parsed = codes.slice(0, 1000).map((c) => parseCode(c)!);
  const key = keys.get(parsed[0].claims.kid)!;
  const run = (fn: (i: number) => boolean) => {
    let n = 0;
    const start = performance.now();
    const cpu0 = process.cpuUsage();
    const end = start + P.verifyMs / 2;
    while (performance.now() < end) {
      for (let j = 0; j < 200; j++, n++)
        if (!fn(n % parsed.length)) throw new Error('a genuine code did not verify');
    }
    const cpu = process.cpuUsage(cpu0);
    return { cpu: n / ((cpu.user + cpu.system) / 1e6), wall: n / ((performance.now() - start) / 1000) };
  };
  const verify = run((i) => edVerify(null, parsed[i].header, key, parsed[i].signature));
  const parseAndVerify = run((i) => {
    const p = parseCode(codes[i])!;
    return edVerify(null, p.header, key, p.signature);
  });
  return { verify, parseAndVerify };
}

/** Scans of one code at once: 50 tills scan each hot voucher together. */
const HOT_SCANS = 50;

/**
 * 50 scans of one code sent at once (from the 32 tills, round robin), voucher after voucher:
 * exactly one 200 and 49 × 409 ALREADY_REDEEMED each, one post transfer per voucher.
 */
async function hotCodes(
  agent: http.Agent,
  port: number,
  pool: Pool,
  vouchers: Voucher[],
  tills: Till[],
): Promise<{ line: string; problems: string[]; captures: number }> {
  const problems: string[] = [];
  let captures = 0;
  for (const v of vouchers) {
    const res = await Promise.all(
      Array.from({ length: HOT_SCANS }, (_, i) => httpRedeem(agent, port, v, tills[i % tills.length])),
    );
    const ok = res.filter((r) => r.outcome === '200').length;
    const repeats = res.filter((r) => r.outcome === '409' && r.body?.includes('"ALREADY_REDEEMED"')).length;
    const [rows] = await pool.query<RowDataPacket[]>(
      `SELECT COUNT(*) n FROM transfers WHERE pending_id = ? AND phase = 'post'`,
      [v.holdId],
    );
    captures += Number(rows[0].n);
    if (ok !== 1 || repeats !== HOT_SCANS - 1 || Number(rows[0].n) !== 1)
      problems.push(
        `hot code ${v.orderId}: ${ok} × 200, ${repeats} × ALREADY_REDEEMED, ${rows[0].n} posts: ` +
          JSON.stringify(res.filter((r) => r.outcome !== '200' && r.outcome !== '409').slice(0, 2)),
      );
  }
  const line =
    `${HOT_SCANS} scans of one code at once, ${vouchers.length} codes: ${captures} captures ` +
    `(expected ${vouchers.length}), ${problems.length ? 'FAILED' : 'ok: 1 capture and 49 ALREADY_REDEEMED per code'}`;
  return { line, problems, captures };
}

// ---- checks and report ---------------------------------------------------------------------------

async function checkPhase(pool: Pool, r: PhaseResult, vouchers: Voucher[]): Promise<string[]> {
  const problems: string[] = [];
  const ids = vouchers.slice(0, r.requests).map((v) => v.orderId);
  const holds = vouchers.slice(0, r.requests).map((v) => v.holdId);
  const count = async (sql: string, params: unknown[]) => {
    let n = 0;
    for (let i = 0; i < params.length; i += 2000) {
      const [rows] = await pool.query<RowDataPacket[]>(sql, [params.slice(i, i + 2000)]);
      n += Number(rows[0].n);
    }
    return n;
  };
  const redeemed = await count(`SELECT COUNT(*) n FROM orders WHERE id IN (?) AND status = 'redeemed'`, ids);
  const rows = await count('SELECT COUNT(*) n FROM redemptions WHERE order_id IN (?)', ids);
  const posts = await count(
    `SELECT COUNT(*) n FROM transfers WHERE pending_id IN (?) AND phase = 'post'`,
    holds,
  );
  for (const [what, n] of [
    ['orders redeemed', redeemed],
    ['redemption rows', rows],
    ['post transfers', posts],
  ] as const)
    if (n !== r.ok) problems.push(`${r.name}: ${n} ${what} for ${r.ok} answers 200`);
  if (r.ok !== r.requests)
    problems.push(
      `${r.name}: ${r.requests - r.ok} scans did not answer 200: ${JSON.stringify([...r.samples])}`,
    );
  return problems;
}

function table(results: PhaseResult[]): string {
  const rows = [
    [
      'path',
      'scans',
      'ok',
      'redemptions/s',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'max ms',
      'API CPU ms/scan',
      'client CPU ms/scan',
      'mariadbd CPU ms/scan',
      'machine busy',
      'load (1 min)',
      'statuses',
    ],
    ...results.map((r) => [
      r.name,
      String(r.requests),
      String(r.ok),
      (r.ok / (r.elapsedMs / 1000)).toFixed(0),
      percentile(r.latencies, 0.5).toFixed(1),
      percentile(r.latencies, 0.95).toFixed(1),
      percentile(r.latencies, 0.99).toFixed(1),
      percentile(r.latencies, 1).toFixed(1),
      r.apiCpuMs === null ? '-' : r.apiCpuMs.toFixed(2),
      r.clientCpuMs.toFixed(2),
      r.dbCpuMs === null ? '-' : r.dbCpuMs.toFixed(2),
      r.machineBusyPct === null ? '-' : `${r.machineBusyPct.toFixed(0)} %`,
      r.loadAvg.toFixed(1),
      [...r.statuses].map(([s, n]) => `${s}×${n}`).join(' '),
    ]),
  ];
  return markdownTable(rows);
}

async function main(): Promise<void> {
  const dbName = `jifen_bench_redemption_${process.pid}`;
  const databaseUrl = databaseUrlOn(SERVER_URL, dbName);
  const queuePrefix = `jbenchr${process.pid}${randomBytes(3).toString('hex')}`;
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
    // 32 tills scanning flat out are not abuse: lift the per-user request limit for the run.
    RATE_LIMIT_PER_MINUTE: '1000000',
    ...(process.env.BENCH_DB_POOL_SIZE ? { DB_POOL_SIZE: process.env.BENCH_DB_POOL_SIZE } : {}),
  };
  console.log(`machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'unknown CPU'}`);
  console.log(
    `redemption benchmark: ${P.vouchers} ready vouchers per path (+${P.warmup} warm-up), ${P.concurrency} connections ` +
      `(one till each), one merchant, database ${dbName}`,
  );
  let api: ChildProcess | undefined;
  let pool: Pool | undefined;
  let failed = false;
  try {
    let t = performance.now();
    await createAndMigrate(databaseUrl);
    const world = await seed(env, [P.warmup, P.warmup, P.vouchers, P.vouchers, 5]);
    console.log(
      `  setup (migrations, ${world.sets.flat().length} vouchers): ${seconds(performance.now() - t)}`,
    );

    t = performance.now();
    const port = await freePort();
    api = await startApi(env, port, (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean));
    console.log(`  API process ${api.pid} (APP_ROLE=api) up in ${seconds(performance.now() - t)}`);
    pool = rawPool(databaseUrl, P.concurrency);
    const [keyRows] = await pool.query<RowDataPacket[]>('SELECT kid, public_key FROM signing_keys');
    const keys = new Map(keyRows.map((k) => [String(k.kid), rawToPublicKey(String(k.public_key))]));
    const agent = new http.Agent({ keepAlive: true, maxSockets: P.concurrency });
    const viaHttp = (v: Voucher, till: Till) => httpRedeem(agent, port, v, till);
    const apiPid = api.pid;
    const viaSql = (v: Voucher, till: Till) => rawRedeem(pool!, keys, v, till);

    const [warmHttp, warmSql, setHttp, setSql, hotSet] = world.sets;
    console.log('  warm-up (not reported)');
    const warm = [
      await drive('warm-up HTTP', warmHttp, world.tills, viaHttp, apiPid),
      await drive('warm-up raw', warmSql, world.tills, viaSql),
    ];
    console.log('  measured');
    const http1 = await drive(
      'POST /api/v1/redemptions (HTTP, separate process)',
      setHttp,
      world.tills,
      viaHttp,
      apiPid,
    );
    const raw1 = await drive('raw mysql2, same work', setSql, world.tills, viaSql);
    const hot = await hotCodes(agent, port, pool, hotSet, world.tills);
    agent.destroy();
    const rate = verifyRate(
      world.sets.flat().map((v) => v.code),
      keys,
    );

    const problems = [
      ...(await checkPhase(pool, warm[0], warmHttp)),
      ...(await checkPhase(pool, warm[1], warmSql)),
      ...(await checkPhase(pool, http1, setHttp)),
      ...(await checkPhase(pool, raw1, setSql)),
    ];
    problems.push(...hot.problems);
    const captured = warm[0].ok + warm[1].ok + http1.ok + raw1.ok + hot.captures;
    const [acc] = await pool.query<RowDataPacket[]>('SELECT credits_posted FROM accounts WHERE id = ?', [
      world.redemptionAccount,
    ]);
    if (Number(acc[0].credits_posted) !== captured * P.price)
      problems.push(`merchant credits_posted ${acc[0].credits_posted}, expected ${captured * P.price}`);
    const audit = await auditLedger(databaseUrl);
    if (!audit.ok) problems.push(`ledger audit: ${JSON.stringify(audit.violations).slice(0, 500)}`);

    console.log(
      `\nredemptions at ${P.concurrency} connections over ready vouchers, ${new Date().toISOString()}`,
    );
    console.log(table([http1, raw1]));
    const perS = (r: PhaseResult) => r.ok / (r.elapsedMs / 1000);
    console.log(
      `\nHTTP / raw: ${(perS(http1) / perS(raw1)).toFixed(2)}× (load average now ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')})`,
    );
    console.log(hot.line);
    console.log(
      `\nEd25519 signature checks per core: ${rate.verify.cpu.toFixed(0)}/s of CPU time ` +
        `(${rate.verify.wall.toFixed(0)}/s of wall time on this shared machine); with parsing the code ` +
        `${rate.parseAndVerify.cpu.toFixed(0)}/s (${rate.parseAndVerify.wall.toFixed(0)}/s)`,
    );
    if ([http1, raw1].some((r) => r.requests < P.vouchers)) console.log('note: a phase hit the time cap');
    if (problems.length) {
      failed = true;
      console.log(`\nCORRECTNESS CHECKS FAILED:\n  ${problems.join('\n  ')}`);
    } else {
      console.log(
        '\nchecks: one redeemed order, one redemption row and one post transfer per answer 200; the merchant’s',
      );
      console.log('credits_posted equals the points captured; ledger audit ok');
    }
  } catch (err) {
    failed = true;
    console.error(err);
  } finally {
    await stopApi(api);
    await pool?.end();
    await dropDatabase(databaseUrl);
    await deleteRedisKeys(queuePrefix).catch(() => undefined);
    console.log(`dropped ${dbName}`);
  }
  if (failed) process.exitCode = 1;
}

void main();
