// Base-grant benchmark: the yearly base grant (基础分) of a community of 10,000 residents through the
// real job path (POST-equivalent request → outbox → BullMQ → EarningProcessor, batches of 500 per
// transaction with LedgerService.transferBatch) against a raw mysql2 loop that writes the same rows
// (the wallet account, the base_grant transfer, the wallet and issuance balance updates) one
// transaction per resident. Both run in the same process on one fresh database, each on its own
// community of freshly inserted residents (no wallets yet), and both results are checked.
//
//   npm run bench:base-grant
//
// Knobs (environment): BENCH_RESIDENTS (10000), BENCH_DATABASE_URL (server to use; the database
// name is replaced by a fresh one that is dropped at the end), REDIS_URL.
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { NestFactory } from '@nestjs/core';
import { createConnection, ResultSetHeader } from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { Actor } from '../src/common/actor';
import { newId } from '../src/common/ids';
import { dropDatabase, parseDatabaseUrl } from '../src/database/database-options';
import { BASE_GRANT_BATCH, baseGrantTransferId, BaseGrantService } from '../src/earning/base-grant.service';
import { LedgerAuditService } from '../src/ledger/ledger-audit.service';
import { LedgerService } from '../src/ledger/ledger.service';
import { FLAG_DEBITS_MUST_NOT_EXCEED_CREDITS } from '../src/ledger/ledger.types';
import { createAndMigrate, databaseUrlOn, deleteRedisKeys, REDIS_URL } from './support';

const RESIDENTS = Number(process.env.BENCH_RESIDENTS ?? 10_000);
const YEAR = 2026;
const POINTS = 100;
const SERVER_URL = process.env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/jifen_bench_base_grant';

function freshUrl(): string {
  return databaseUrlOn(SERVER_URL, `jifen_bench_bg_${process.pid}_${randomBytes(3).toString('hex')}`);
}

/** A city → district → street → two communities, and RESIDENTS residents in each community. */
async function seed(db: DataSource): Promise<{ street: string; jobCommunity: string; rawCommunity: string }> {
  const [city, district, street, jobCommunity, rawCommunity] = Array.from({ length: 5 }, newId);
  const regions: Array<[string, string, string, string | null, string]> = [
    [city, '蚌埠市', 'city', null, `/${city}/`],
    [district, '淮上区', 'district', city, `/${city}/${district}/`],
    [street, '小蚌埠镇', 'street', district, `/${city}/${district}/${street}/`],
    [jobCommunity, '桃花园社区', 'community', street, `/${city}/${district}/${street}/${jobCommunity}/`],
    [rawCommunity, '对照社区', 'community', street, `/${city}/${district}/${street}/${rawCommunity}/`],
  ];
  for (const r of regions)
    await db.query('INSERT INTO regions (id, name, kind, parent_id, path) VALUES (?, ?, ?, ?, ?)', r);
  for (const c of [jobCommunity, rawCommunity])
    await db.query('INSERT INTO community_profiles (region_id, base_grant_points) VALUES (?, ?)', [
      c,
      POINTS,
    ]);
  for (const c of [jobCommunity, rawCommunity]) {
    for (let i = 0; i < RESIDENTS; i += 1000) {
      const n = Math.min(1000, RESIDENTS - i);
      const rows = Array.from({ length: n }, (_, j) => [
        newId(),
        `${c.slice(0, 8)}_${i + j}`,
        `居民${i + j}`,
        c,
      ]);
      await db.query(
        `INSERT INTO users (id, username, display_name, roles, region_id, active) VALUES ${rows
          .map(() => "(?, ?, ?, 'resident', ?, 1)")
          .join(', ')}`,
        rows.flat(),
      );
    }
  }
  return { street, jobCommunity, rawCommunity };
}

/** The real path: request (run row + outbox) → relay → BullMQ → processor, until the run is done. */
async function jobPath(
  app: Awaited<ReturnType<typeof NestFactory.createApplicationContext>>,
  communityId: string,
  year: number,
) {
  const db = app.get(DataSource);
  const [region] = await db.query('SELECT path FROM regions WHERE id = ?', [communityId]);
  const admin: Actor = {
    id: newId(),
    username: 'bench.admin',
    displayName: '基准管理员',
    roles: ['community_admin'],
    regionId: communityId,
    regionPath: region.path,
    organizationId: null,
  };
  const started = performance.now();
  await app.get(BaseGrantService).request(admin, communityId, year);
  const deadline = Date.now() + 30 * 60_000;
  for (;;) {
    const [run] = await db.query(
      'SELECT status, granted, total FROM base_grant_runs WHERE community_id = ? AND year = ?',
      [communityId, year],
    );
    if (run.status === 'done' || run.status === 'failed') {
      const ms = performance.now() - started;
      if (run.status !== 'done' || Number(run.granted) !== RESIDENTS)
        throw new Error(`job path ended ${run.status} with ${run.granted}/${run.total}`);
      return ms;
    }
    if (Date.now() > deadline) throw new Error('job path did not finish in 30 minutes');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * The baseline: plain mysql2, one transaction per resident, the same rows as the ledger writes
 * (wallet account get-or-create, transfer row with the same deterministic id, conditional balance
 * updates on the wallet and the issuance account).
 */
async function rawLoop(
  url: string,
  ledger: LedgerService,
  communityId: string,
  year: number,
): Promise<number> {
  const p = parseDatabaseUrl(url);
  const conn = await createConnection({
    host: p.host,
    port: p.port,
    user: p.username,
    password: p.password,
    database: p.database,
    timezone: 'Z',
  });
  try {
    await conn.query(
      `INSERT INTO accounts (id, ledger, kind, owner_type, owner_id, sub, flags) VALUES (?, 'POINTS', 'issuance', 'region', ?, '', 0)
       ON DUPLICATE KEY UPDATE id = id`,
      [newId(), communityId],
    );
    const [[{ id: issuance }]] = (await conn.query(
      `SELECT id FROM accounts WHERE ledger = 'POINTS' AND kind = 'issuance' AND owner_type = 'region' AND owner_id = ? AND sub = ''`,
      [communityId],
    )) as unknown as [Array<{ id: string }>];
    const [residents] = (await conn.query(
      `SELECT id FROM users WHERE region_id = ? AND active = 1 AND FIND_IN_SET('resident', roles) > 0 ORDER BY id`,
      [communityId],
    )) as unknown as [Array<{ id: string }>];
    const runId = newId();
    const started = performance.now();
    for (const r of residents) {
      await conn.query('START TRANSACTION');
      await conn.query(
        `INSERT INTO accounts (id, ledger, kind, owner_type, owner_id, sub, flags) VALUES (?, 'POINTS', 'wallet', 'user', ?, '', ?)
         ON DUPLICATE KEY UPDATE id = id`,
        [newId(), r.id, FLAG_DEBITS_MUST_NOT_EXCEED_CREDITS],
      );
      const [[{ id: wallet }]] = (await conn.query(
        `SELECT id FROM accounts WHERE ledger = 'POINTS' AND kind = 'wallet' AND owner_type = 'user' AND owner_id = ? AND sub = ''`,
        [r.id],
      )) as unknown as [Array<{ id: string }>];
      await conn.query(
        `INSERT INTO transfers (id, ledger, debit_account_id, credit_account_id, amount, phase, pending_id, code, ref_type, ref_id, exempt, created_at)
         VALUES (?, 'POINTS', ?, ?, ?, 'single', NULL, 'base_grant', 'base_grant', ?, 0, CURRENT_TIMESTAMP(3))`,
        [baseGrantTransferId(ledger, communityId, year, r.id), issuance, wallet, POINTS, runId],
      );
      const [debited] = (await conn.query(
        'UPDATE accounts SET debits_posted = debits_posted + ? WHERE id = ?',
        [POINTS, issuance],
      )) as unknown as [ResultSetHeader];
      const [credited] = (await conn.query(
        'UPDATE accounts SET credits_posted = credits_posted + ? WHERE id = ? AND flags & 2 = 0',
        [POINTS, wallet],
      )) as unknown as [ResultSetHeader];
      if (debited.affectedRows !== 1 || credited.affectedRows !== 1)
        throw new Error('raw loop: balance update failed');
      await conn.query('COMMIT');
    }
    return performance.now() - started;
  } finally {
    await conn.end();
  }
}

async function main(): Promise<void> {
  const url = freshUrl();
  const queuePrefix = `bbg${process.pid}${randomBytes(3).toString('hex')}`;
  console.log(`base-grant benchmark: ${RESIDENTS} residents per community, batches of ${BASE_GRANT_BATCH}`);
  await createAndMigrate(url);
  Object.assign(process.env, {
    NODE_ENV: process.env.NODE_ENV ?? 'development',
    DATABASE_URL: url,
    REDIS_URL,
    QUEUE_PREFIX: queuePrefix,
    APP_ROLE: 'all',
    LOG_LEVEL: 'warn',
    OUTBOX_POLL_MS: '50',
  });
  const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
  let failed = false;
  try {
    await app.init();
    const db = app.get(DataSource);
    const { jobCommunity, rawCommunity } = await seed(db);
    console.log(`  database ${parseDatabaseUrl(url).database}: ${2 * RESIDENTS} residents inserted`);

    // Year 1: nobody has a wallet yet (both paths create them); year 2: every wallet exists.
    const results: Array<{ label: string; jobMs: number; rawMs: number }> = [];
    for (const [label, year] of [
      ['first grant (wallets created)', YEAR],
      ['next year (wallets exist)', YEAR + 1],
    ] as const) {
      const jobMs = await jobPath(app, jobCommunity, year);
      const rawMs = await rawLoop(url, app.get(LedgerService), rawCommunity, year);
      results.push({ label, jobMs, rawMs });
    }

    // Both paths wrote one grant per resident and year, and the ledger's invariants hold.
    for (const c of [jobCommunity, rawCommunity]) {
      const [row] = await db.query(
        `SELECT COUNT(*) AS n, COUNT(DISTINCT a.id) AS wallets, SUM(t.amount) AS points FROM transfers t
           JOIN accounts a ON a.id = t.credit_account_id
           JOIN users u ON u.id = a.owner_id
          WHERE t.code = 'base_grant' AND u.region_id = ?`,
        [c],
      );
      if (
        Number(row.n) !== 2 * RESIDENTS ||
        Number(row.wallets) !== RESIDENTS ||
        Number(row.points) !== 2 * RESIDENTS * POINTS
      )
        throw new Error(`community ${c}: ${row.n} grants to ${row.wallets} wallets, ${row.points} points`);
    }
    const audit = await app.get(LedgerAuditService).run();
    if (!audit.ok) throw new Error(`ledger audit failed: ${JSON.stringify(audit.violations).slice(0, 2000)}`);

    for (const r of results) {
      const jobRate = RESIDENTS / (r.jobMs / 1000);
      const rawRate = RESIDENTS / (r.rawMs / 1000);
      console.log(`  ${r.label}:`);
      console.log(
        `    job path (outbox → BullMQ → batches): ${(r.jobMs / 1000).toFixed(2)} s, ${jobRate.toFixed(0)} grants/s`,
      );
      console.log(
        `    raw mysql2 loop (1 tx per resident):  ${(r.rawMs / 1000).toFixed(2)} s, ${rawRate.toFixed(0)} grants/s`,
      );
      console.log(`    ratio: ${(jobRate / rawRate).toFixed(1)}x (aim: >= 5x)`);
    }
    console.log(
      `  ledger audit ok (${audit.transfers} transfers); load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
  } catch (err) {
    failed = true;
    console.error(err);
  } finally {
    await app.close();
    await dropDatabase(url);
    await deleteRedisKeys(queuePrefix).catch(() => undefined);
  }
  if (failed) process.exitCode = 1;
}

void main();
