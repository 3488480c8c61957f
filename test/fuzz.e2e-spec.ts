import { writeFileSync } from 'node:fs';
import {
  Answer,
  Case,
  casesFor,
  describeCase,
  Op,
  operationsOf,
  problemsOf,
  rngOf,
  sample,
} from './support/fuzz';
import { FuzzWorld } from './support/fuzz-world';
import { createTestApp, TestApp } from './support/harness';
import { World } from './support/world';

/**
 * Issue 14, "no 5xx on bad input": every operation of the OpenAPI document, called by a role that may
 * call it on objects that exist, with mutated bodies, queries, paths and headers. No answer is a 5xx;
 * every 4xx has the error shape with a code of ERROR_STATUS; a validation error names the field; a
 * refused request writes nothing. `FUZZ_SEED=<n>` replays a run.
 */
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const OPTIONS = { perField: 4, perQueryParam: 3, perPathParam: 4 };
/** Written by refusals on purpose: failed logins (the login limit) and every scan (the audit). */
const WRITTEN_BY_REFUSALS = new Set(['login_failures', 'scan_audit', 'migrations']);

describe('fuzzing every operation of the OpenAPI document', () => {
  let t: TestApp;
  let fw: FuzzWorld;
  let doc: any;

  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '1000000', LOGIN_MAX_FAILURES: '1000000' } });
    const world = new World(t);
    fw = new FuzzWorld(t, world);
    await fw.build();
    await fw.settle();
    doc = (await t.http().get('/api/docs-json')).body;
  });
  afterAll(() => t?.close());

  const plan = (seed: number): Case[] => {
    const rng = rngOf(seed);
    return operationsOf(doc).flatMap((op) => {
      const pathValues = Object.fromEntries(
        op.params
          .filter((p) => p.in === 'path')
          .map((p) => [p.name, fw.pathValue(op.method, op.path, p.name)]),
      );
      return casesFor(doc, op, fw.base(op.method, op.path), pathValues, rng, OPTIONS);
    });
  };

  it('plans the cases issue 14 found, whatever the seed', () => {
    const cases = plan(SEED + 1);
    const labels = new Set(cases.map((c) => `${c.op.key} [${c.label}]`));
    const has = (key: string, label: string) => expect([...labels]).toContain(`${key} [${label}]`);
    const ops = operationsOf(doc);
    for (const op of ops.filter((o) => o.body?.contentType === 'application/json'))
      has(op.key, 'body: deep object');
    for (const op of ops.filter((o) => o.params.some((p) => p.name === 'cursor')))
      has(op.key, 'query.cursor = bracket object');
    has('PATCH /api/v1/communities/{id}/profile', 'body.baseGrantPoints = null');
    has('PATCH /api/v1/communities/{id}/profile', 'body.collectiveIncomeFen = 1e308');
    has('PATCH /api/v1/point-rules/{id}', 'body.sortOrder = null');
    has('POST /api/v1/redemptions/keys/rotate', 'body: unknown field');
    has('POST /api/v1/redemptions/keys/{kid}/revoke', 'no body: unknown field');
    expect(cases.length).toBeGreaterThanOrEqual(2000);
  });

  it('answers no malformed request with a 5xx; refusals have the error shape, name the field and write nothing', async () => {
    const started = Date.now();
    const rng = rngOf(SEED ^ 0x5eed);
    const all = plan(SEED);
    // Each operation's own request first (is it valid?), then every mutation in a seeded order.
    const cases = [
      ...sample(
        rng,
        all.filter((c) => c.base),
        all.length,
      ),
      ...sample(
        rng,
        all.filter((c) => !c.base),
        all.length,
      ),
    ];
    const snapshot = await footprint(t);
    let before = await snapshot();
    const baseValid = new Map<string, boolean>();
    const failures: string[] = [];
    const statuses = new Map<number, number>();

    for (const c of cases) {
      const a = await send(t, fw, c);
      statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
      if (c.base) baseValid.set(c.op.key, !(a.status === 400 && a.body?.code === 'VALIDATION_FAILED'));
      const problems = problemsOf(c, a, baseValid.get(c.op.key) ?? false);
      // Writes are checked around every non-GET request (GETs write nothing, which saves time).
      if (c.op.method !== 'GET') {
        if (a.status < 400) await fw.settle();
        const after = await snapshot();
        if (a.status >= 400) {
          const changed = Object.keys(after).filter((k) => after[k] !== before[k]);
          if (changed.length) problems.push(`a refusal wrote: ${changed.join(', ')}`);
        }
        before = after;
      }
      if (problems.length)
        failures.push(
          `${describeCase(c)}: ${problems.join('; ')} → ${a.status} ${JSON.stringify(a.body)?.slice(0, 300)}`,
        );
    }

    const summary = `fuzz seed ${SEED}: ${cases.length} requests over ${new Set(cases.map((c) => c.op.key)).size} operations in ${
      Date.now() - started
    } ms; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((x, y) => x[0] - y[0])))}`;
    console.log(summary);
    expect(cases.length).toBeGreaterThanOrEqual(2000);
    if (process.env.FUZZ_REPORT)
      writeFileSync(process.env.FUZZ_REPORT, `${summary}\n${failures.join('\n')}\n`);
    if (failures.length)
      throw new Error(
        `${failures.length} bad answers (replay with FUZZ_SEED=${SEED}):\n${failures.slice(0, 150).join('\n')}\n${summary}`,
      );
    // About 40 s alone on 2 cores; the budget leaves room for a machine busy with the rest of the suite.
  }, 600_000);

  /** Row counts of every table (and the newest update, the ledger's sums) as one row. */
  async function footprint(app: TestApp): Promise<() => Promise<Record<string, string>>> {
    const cols: Array<{ t: string; c: string }> = await app.sql(
      `SELECT TABLE_NAME t, COLUMN_NAME c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()`,
    );
    const tables = [...new Set(cols.map((x) => x.t))].filter((x) => !WRITTEN_BY_REFUSALS.has(x)).sort();
    const parts = tables.flatMap((table) => {
      const out = [`(SELECT COUNT(*) FROM \`${table}\`) AS \`${table}\``];
      if (cols.some((x) => x.t === table && x.c === 'updated_at'))
        out.push(`(SELECT MAX(updated_at) FROM \`${table}\`) AS \`${table}.updated_at\``);
      return out;
    });
    parts.push(
      `(SELECT CONCAT_WS(':', SUM(debits_pending), SUM(debits_posted), SUM(credits_pending), SUM(credits_posted)) FROM accounts) AS \`accounts.sums\``,
      `(SELECT GROUP_CONCAT(kid, status ORDER BY kid) FROM signing_keys) AS \`signing_keys.status\``,
    );
    const sql = `SELECT ${parts.join(', ')}`;
    return async () => {
      const [row] = await app.sql(sql);
      return Object.fromEntries(
        Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : String(v)]),
      );
    };
  }
});

async function send(t: TestApp, fw: FuzzWorld, c: Case): Promise<Answer> {
  const op: Op = c.op;
  const path = op.path.replace(/\{(\w+)\}/g, (_m, name) => encodeURIComponent(c.pathValues[name] ?? ''));
  const url = c.query ? `${path}?${c.query}` : path;
  const caller = fw.caller(op.method, op.path, op.roles);
  const req = (t.http() as any)[op.method.toLowerCase()](url);
  if (caller) req.set('Authorization', `Bearer ${caller.token}`);
  for (const [k, v] of Object.entries(c.headers)) req.set(k, v);
  if (c.body !== undefined) {
    if (c.contentType) req.set('Content-Type', c.contentType);
    req.send(c.body);
  }
  try {
    const res = await req;
    return { status: res.status, body: res.body, headers: res.headers };
  } catch (err) {
    return { status: 599, body: { transport: String(err) }, headers: {} };
  }
}
