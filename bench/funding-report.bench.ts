// Funding report benchmark: a report for a street of 20 communities over one year holding 1,000,000
// ledger transfers, built by the real code (ReportBuilderService.build: every figure read in one
// REPEATABLE READ snapshot, stored with its hash), next to one plain SQL aggregate over the same rows
// in the same run. See bench/README.md for the numbers on the reference machine.
//
//   npm run bench:funding-report
//
// Knobs (environment): BENCH_RESIDENTS (per community, default 500: 20 × 500 × 90 + 20 × 5,000 =
// 1,000,000 transfers), BENCH_RUNS (timed builds and aggregates, default 3), BENCH_AUDIT=1 (run the
// ledger audit on the data set first), BENCH_KEEP=1 (keep the database), BENCH_REUSE=<database> (time
// again on a database kept by an earlier run, skipping the seed), BENCH_DATABASE_URL (server to use;
// the database name is replaced by a fresh one that is dropped at the end), REDIS_URL.
import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { NestFactory } from '@nestjs/core';
import { createPool, Pool } from 'mysql2/promise';
import { AppModule } from '../src/app.module';
import { dropDatabase, parseDatabaseUrl } from '../src/database/database-options';
import { yearRange } from '../src/earning/earning-period';
import { ReportBuilderService } from '../src/funding/report-builder.service';
import { FUNDING_SOURCES } from '../src/funding/funding.types';
import { LedgerAuditService } from '../src/ledger/ledger-audit.service';
import { createAndMigrate, databaseUrlOn, intEnv, median, mulberry32 } from './support';

const P = {
  communities: 20,
  residentsPerCommunity: intEnv('BENCH_RESIDENTS', 500),
  runs: intEnv('BENCH_RUNS', 3),
  // Per resident: 1 base grant, 50 awards, 5 deductions, 17 orders (hold + redeem post) = 90 transfers.
  awards: 50,
  deductions: 5,
  orders: 17,
  // Per community, money: 1,500 donations, 1,500 expenses, 1,000 in-kind, 1,000 redemption costs.
  donations: 1_500,
  expenses: 1_500,
  inKind: 1_000,
  costs: 1_000,
};
const YEAR = 2025;
const SERVER_URL = process.env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/jifen_bench_funding';

/** Deterministic PRNG (mulberry32): two runs build the same data set. */
const rng = mulberry32;

/** Ordered UUID-shaped ids, so bulk inserts append to the primary key instead of splitting pages. */
let counter = 0;
const seqId = (kind: number) =>
  `${kind.toString(16).padStart(8, '0')}-0000-4000-8000-${(counter++).toString(16).padStart(12, '0')}`;

class Inserter {
  private rows: unknown[][] = [];
  inserted = 0;

  constructor(
    private readonly pool: Pool,
    private readonly table: string,
    private readonly cols: string[],
    private readonly batch = 2_000,
  ) {}

  async add(row: unknown[]): Promise<void> {
    this.rows.push(row);
    if (this.rows.length >= this.batch) await this.flush();
  }

  async flush(): Promise<void> {
    if (!this.rows.length) return;
    const rows = this.rows;
    this.rows = [];
    const ph = `(${this.cols.map(() => '?').join(', ')})`;
    await this.pool.query(
      `INSERT INTO ${this.table} (${this.cols.join(', ')}) VALUES ${rows.map(() => ph).join(', ')}`,
      rows.flat(),
    );
    this.inserted += rows.length;
  }
}

interface Community {
  id: string;
  accounts: Record<string, string>;
  sources: string[];
  residents: Array<{ id: string; wallet: string }>;
  provider: string;
  redemption: string;
  listing: string;
}

/** The street, its communities, residents, accounts, orders and 1,000,000 transfers, all by SQL. */
async function seed(pool: Pool): Promise<{ streetId: string; transfers: number }> {
  const r = rng(20251231);
  const { from, to } = yearRange(YEAR);
  const span = to.getTime() - from.getTime();
  const at = () => new Date(from.getTime() + Math.floor(r() * (span - 120_000)));
  const city = seqId(1);
  const district = seqId(1);
  const street = seqId(1);
  const regions = [
    [city, '蚌埠市', 'city', null, `/${city}/`],
    [district, '淮上区', 'district', city, `/${city}/${district}/`],
    [street, '小蚌埠镇', 'street', district, `/${city}/${district}/${street}/`],
  ];
  const communities: Community[] = [];
  const accounts = new Inserter(pool, 'accounts', [
    'id',
    'ledger',
    'kind',
    'owner_type',
    'owner_id',
    'sub',
    'flags',
  ]);
  const users = new Inserter(pool, 'users', [
    'id',
    'username',
    'display_name',
    'roles',
    'region_id',
    'household_no',
    'active',
  ]);
  for (let c = 0; c < P.communities; c++) {
    const id = seqId(2);
    regions.push([
      id,
      `社区${String(c + 1).padStart(2, '0')}`,
      'community',
      street,
      `/${city}/${district}/${street}/${id}/`,
    ]);
    const acc: Record<string, string> = {};
    const account = async (
      ledger: string,
      kind: string,
      sub = '',
      flags = 0,
      ownerType = 'region',
      owner = id,
    ) => {
      const aid = seqId(3);
      await accounts.add([aid, ledger, kind, ownerType, owner, sub, flags]);
      return aid;
    };
    for (const k of ['issuance', 'deduction_sink', 'expiry_sink']) acc[k] = await account('POINTS', k);
    for (const k of ['expense', 'cost_of_redemptions']) acc[k] = await account('CNY_FEN', k);
    acc.community_fund = await account('CNY_FEN', 'community_fund', '', 1);
    acc.inventory = await account('CNY_FEN', 'inventory', '', 1);
    const sources: string[] = [];
    for (const s of FUNDING_SOURCES)
      sources.push((acc[`source:${s}`] = await account('CNY_FEN', 'funding_source', s)));
    const provider = seqId(4);
    const redemption = await account('POINTS', 'redemption', '', 0, 'organization', provider);
    const residents: Community['residents'] = [];
    for (let i = 0; i < P.residentsPerCommunity; i++) {
      const uid = seqId(5);
      await users.add([uid, `bench${c}x${i}`, '李桂英', 'resident', id, `H-${c}-${Math.floor(i / 3)}`, 1]);
      residents.push({ id: uid, wallet: await account('POINTS', 'wallet', '', 1, 'user', uid) });
    }
    communities.push({ id, accounts: acc, sources, residents, provider, redemption, listing: seqId(6) });
  }
  await accounts.flush();
  await users.flush();
  await pool.query(
    `INSERT INTO regions (id, name, kind, parent_id, path) VALUES ${regions.map(() => '(?, ?, ?, ?, ?)').join(', ')}`,
    regions.flat(),
  );
  await pool.query(
    `INSERT INTO community_profiles (region_id, population, households, collective_income_fen, base_grant_points)
     VALUES ${communities.map(() => '(?, 5000, 1800, 163000000, 100)').join(', ')}`,
    communities.map((c) => c.id),
  );

  const transfers = new Inserter(pool, 'transfers', [
    'id',
    'ledger',
    'debit_account_id',
    'credit_account_id',
    'amount',
    'phase',
    'pending_id',
    'code',
    'ref_type',
    'ref_id',
    'exempt',
    'created_at',
  ]);
  const orders = new Inserter(pool, 'orders', [
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
    'redeemed_at',
    'created_at',
  ]);
  const single = (ledger: string, d: string, c: string, amount: number, code: string, exempt = 0) =>
    transfers.add([seqId(7), ledger, d, c, amount, 'single', null, code, 'bench', null, exempt, at()]);
  // A donation is a row (reports count it by received_at) and its transfer, at the same time.
  const donations = new Inserter(pool, 'donations', [
    'id',
    'community_id',
    'kind',
    'source',
    'donor_name',
    'amount_fen',
    'received_at',
    'recorded_by',
  ]);
  const donation = async (
    community: Community,
    source: number,
    credit: string,
    amount: number,
    kind: string,
  ) => {
    const id = seqId(8);
    const when = at();
    await donations.add([id, community.id, kind, FUNDING_SOURCES[source], '爱心人士', amount, when, street]);
    await transfers.add([
      seqId(7),
      'CNY_FEN',
      community.sources[source],
      credit,
      amount,
      'single',
      null,
      'donation',
      'donation',
      id,
      0,
      when,
    ]);
  };
  const started = performance.now();
  for (const c of communities) {
    const a = c.accounts;
    for (const res of c.residents) {
      await transfers.add([
        seqId(7),
        'POINTS',
        a.issuance,
        res.wallet,
        100,
        'single',
        null,
        'base_grant',
        'bench',
        null,
        0,
        from,
      ]);
      for (let i = 0; i < P.awards; i++) await single('POINTS', a.issuance, res.wallet, 5, 'award');
      for (let i = 0; i < P.deductions; i++)
        await single('POINTS', res.wallet, a.deduction_sink, 1, 'deduction', 1);
      for (let i = 0; i < P.orders; i++) {
        const orderId = seqId(8);
        const hold = seqId(7);
        const when = at();
        const later = new Date(when.getTime() + 60_000);
        await transfers.add([
          hold,
          'POINTS',
          res.wallet,
          c.redemption,
          5,
          'pending',
          null,
          'order_hold',
          'order',
          orderId,
          0,
          when,
        ]);
        await transfers.add([
          seqId(7),
          'POINTS',
          res.wallet,
          c.redemption,
          5,
          'post',
          hold,
          'redeem',
          'order',
          orderId,
          0,
          later,
        ]);
        await orders.add([
          orderId,
          res.id,
          c.id,
          c.listing,
          c.provider,
          1,
          5,
          5,
          'redeemed',
          hold,
          later,
          later,
          when,
        ]);
      }
    }
    for (let i = 0; i < P.donations; i++)
      await donation(c, i % c.sources.length, a.community_fund, 10_000, 'cash');
    for (let i = 0; i < P.expenses; i++)
      await single('CNY_FEN', a.community_fund, a.expense, 5_000, 'expense');
    for (let i = 0; i < P.inKind; i++) await donation(c, 2, a.inventory, 2_000, 'in_kind');
    for (let i = 0; i < P.costs; i++)
      await single('CNY_FEN', a.inventory, a.cost_of_redemptions, 1_000, 'redemption_cost');
  }
  await transfers.flush();
  await donations.flush();
  await orders.flush();
  // Balances from the transfers, as the ledger would have kept them (every hold is resolved).
  await pool.query(
    `UPDATE accounts a JOIN (SELECT debit_account_id id, SUM(amount) s FROM transfers WHERE phase IN ('single', 'post') GROUP BY debit_account_id) d
        ON d.id = a.id SET a.debits_posted = d.s`,
  );
  await pool.query(
    `UPDATE accounts a JOIN (SELECT credit_account_id id, SUM(amount) s FROM transfers WHERE phase IN ('single', 'post') GROUP BY credit_account_id) c
        ON c.id = a.id SET a.credits_posted = c.s`,
  );
  console.log(
    `seeded ${transfers.inserted.toLocaleString('en-US')} transfers, ${orders.inserted.toLocaleString('en-US')} orders, ` +
      `${(P.communities * P.residentsPerCommunity).toLocaleString('en-US')} residents in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  await pool.query('ANALYZE TABLE transfers, accounts, orders, users, donations');
  return { streetId: street, transfers: transfers.inserted };
}

/** The street and the size of a data set kept by an earlier run (BENCH_KEEP=1). */
async function existing(pool: Pool): Promise<{ streetId: string; transfers: number }> {
  const [[street]] = (await pool.query("SELECT id FROM regions WHERE kind = 'street' LIMIT 1")) as any;
  const [[count]] = (await pool.query('SELECT COUNT(*) AS n FROM transfers')) as any;
  if (!street) throw new Error('BENCH_REUSE: no street in that database');
  return { streetId: street.id, transfers: Number(count.n) };
}

/** One plain SQL aggregate over the same rows: every transfer of the year, by community and code. */
const PLAIN_SQL = `
  SELECT a.owner_id, t.code, COUNT(*) AS n, SUM(t.amount) AS amount
    FROM transfers t JOIN accounts a ON a.id = t.debit_account_id
   WHERE t.created_at >= ? AND t.created_at < ?
   GROUP BY a.owner_id, t.code`;

async function main(): Promise<void> {
  const p = parseDatabaseUrl(SERVER_URL);
  const reuse = process.env.BENCH_REUSE;
  const name = reuse ?? `jifen_bench_funding_${randomBytes(3).toString('hex')}`;
  const url = databaseUrlOn(SERVER_URL, name);
  console.log(`database ${name}`);
  if (!reuse) await createAndMigrate(url);
  const pool = createPool({
    host: p.host,
    port: p.port,
    user: p.username,
    password: p.password,
    database: name,
    connectionLimit: 2,
    timezone: 'Z',
  });
  let app: Awaited<ReturnType<typeof NestFactory.createApplicationContext>> | undefined;
  try {
    const { streetId, transfers } = reuse ? await existing(pool) : await seed(pool);
    Object.assign(process.env, {
      DATABASE_URL: url,
      APP_ROLE: 'api',
      QUEUE_PREFIX: `jb${randomBytes(3).toString('hex')}`,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'development',
    });
    app = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
    if (process.env.BENCH_AUDIT === '1') {
      const report = await app.get(LedgerAuditService).run();
      console.log(`ledger audit: ${report.ok ? 'ok' : JSON.stringify(report.violations.slice(0, 3))}`);
    }
    const builder = app.get(ReportBuilderService);
    const { from, to } = yearRange(YEAR);
    const builds: number[] = [];
    const plains: number[] = [];
    let figures: any = null;
    for (let run = 0; run < P.runs; run++) {
      const id = randomUUID();
      await pool.query(
        `INSERT INTO funding_reports (id, region_id, period_from, period_to, status, review_status, version, requested_by)
         VALUES (?, ?, ?, ?, 'queued', 'draft', 1, ?)`,
        [id, streetId, from, to, id],
      );
      let t0 = performance.now();
      await builder.build(id, 1);
      builds.push(performance.now() - t0);
      const [[v]] = (await pool.query('SELECT figures FROM funding_report_versions WHERE report_id = ?', [
        id,
      ])) as any;
      figures = JSON.parse(v.figures);
      t0 = performance.now();
      const [rows] = (await pool.query(PLAIN_SQL, [from, to])) as any;
      plains.push(performance.now() - t0);
      if (!rows.length) throw new Error('the plain aggregate found nothing');
    }
    const t = figures.totals;
    console.log(
      `report: ${figures.communities.length} communities, ${t.pointsIssued.toLocaleString('en-US')} points issued, ` +
        `${t.pointsRedeemed.toLocaleString('en-US')} redeemed (rate ${t.redemptionRate}), funds ${t.fundsInFen} fen, ` +
        `spending ${t.spendingFen} fen, cost of redemptions ${t.costOfRedemptionsFen} fen, AAA households ${t.aaaHouseholds}`,
    );
    const fmt = (xs: number[]) =>
      `median ${median(xs).toFixed(0)} ms (runs: ${xs.map((x) => x.toFixed(0)).join(', ')})`;
    console.log(`\n| what | ${transfers.toLocaleString('en-US')} transfers |\n| --- | --- |`);
    console.log(`| report build (ReportBuilderService.build) | ${fmt(builds)} |`);
    console.log(`| one plain SQL aggregate (GROUP BY community, code) | ${fmt(plains)} |`);
    console.log(`| ratio build / plain | ${(median(builds) / median(plains)).toFixed(2)} |`);
  } finally {
    await app?.close();
    await pool.end();
    if (process.env.BENCH_KEEP !== '1' && !reuse) await dropDatabase(url);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
