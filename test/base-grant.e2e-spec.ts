import { BaseGrantService } from '../src/earning/base-grant.service';
import { Earning } from './support/earning';
import { createTestApp, TestApp, waitFor } from './support/harness';
import { User, World } from './support/world';


describe('base grant (基础分): a job, in batches, exactly once per resident and year', () => {
  let t: TestApp;
  let world: World;
  let earning: Earning;

  beforeAll(async () => {
    t = await createTestApp({ role: 'all' });
    world = new World(t);
    earning = new Earning(t, world);
  });
  afterAll(() => t?.close());

  const trigger = (admin: User, communityId: string, year: number) =>
    earning.api(admin).post(`/communities/${communityId}/base-grants`, { year });
  const progress = (admin: User, communityId: string, year: number) =>
    earning.api(admin).get(`/communities/${communityId}/base-grants/${year}`);
  const untilDone = (admin: User, communityId: string, year: number, what = 'the base grant') =>
    waitFor(
      async () => (await progress(admin, communityId, year)).body,
      (run) => run.status === 'done' || run.status === 'failed',
      { timeoutMs: 60_000, what },
    );

  /** Base-grant transfers per resident of a community, from the ledger. */
  const grantsPerResident = async (communityId: string) =>
    t.sql<{ owner_id: string; n: number | string; amount: number | string; balance: number | string }>(
      `SELECT a.owner_id, COUNT(t.id) AS n, COALESCE(SUM(t.amount), 0) AS amount,
              a.credits_posted - a.debits_posted AS balance
         FROM users u
         JOIN accounts a ON a.kind = 'wallet' AND a.owner_type = 'user' AND a.owner_id = u.id
         LEFT JOIN transfers t ON t.credit_account_id = a.id AND t.code = 'base_grant'
        WHERE u.region_id = ?
        GROUP BY a.id, a.owner_id, a.credits_posted, a.debits_posted`,
      [communityId],
    );

  it('grants once per resident for 50 concurrent triggers (1,200 residents, three batches)', async () => {
    const c = await world.community();
    const admin = await world.communityAdmin(c.id);
    const ids = await earning.insertResidents(c.id, 1_199);
    const named = await world.resident(c.id);
    ids.push(named.id);

    const responses = await Promise.all(Array.from({ length: 50 }, () => trigger(admin, c.id, 2026)));
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(202));
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    expect(responses[0].body).toMatchObject({ communityId: c.id, year: 2026, points: 100 });

    const run = await untilDone(admin, c.id, 2026);
    expect(run).toMatchObject({ status: 'done', granted: 1_200, total: 1_200 });

    const rows = await grantsPerResident(c.id);
    expect(rows).toHaveLength(1_200);
    expect(rows.filter((r) => Number(r.n) !== 1)).toEqual([]);
    expect(rows.filter((r) => Number(r.balance) !== 100)).toEqual([]);
    expect(new Set(rows.map((r) => r.owner_id))).toEqual(new Set(ids));
    expect(await world.count('transfers', "code = 'base_grant' AND ref_id = ?", [run.id])).toBe(1_200);
    expect(await earning.wallet(named.id)).toEqual({ balance: 100, available: 100 });
    const credit = await earning.credit(named);
    expect(credit.year).toBeGreaterThanOrEqual(2026);
  });

  it('grants newcomers only when triggered again, and never twice', async () => {
    const c = await world.community();
    const admin = await world.communityAdmin(c.id);
    await earning.insertResidents(c.id, 20);
    await trigger(admin, c.id, 2026);
    expect(await untilDone(admin, c.id, 2026)).toMatchObject({ granted: 20, total: 20 });
    const before = await world.count('transfers', "code = 'base_grant'");

    const newcomer = await world.resident(c.id);
    const again = await Promise.all(Array.from({ length: 10 }, () => trigger(admin, c.id, 2026)));
    expect(again.every((r) => r.status === 202)).toBe(true);
    const run = await waitFor(
      async () => (await progress(admin, c.id, 2026)).body,
      (r) => r.status === 'done' && r.granted === 21,
      { timeoutMs: 60_000, what: 'the newcomer grant' },
    );
    expect(run).toMatchObject({ total: 21, granted: 21 });
    expect(await world.count('transfers', "code = 'base_grant'")).toBe(before + 1);
    expect(await earning.wallet(newcomer.id)).toEqual({ balance: 100, available: 100 });

    // Running the job again by hand (a duplicate delivery) changes nothing.
    await t.app.get(BaseGrantService).process({ communityId: c.id, year: 2026 });
    expect(await world.count('transfers', "code = 'base_grant'")).toBe(before + 1);

    // Another year is another grant.
    await trigger(admin, c.id, 2027);
    expect(await untilDone(admin, c.id, 2027)).toMatchObject({ granted: 21, total: 21 });
    expect(await earning.wallet(newcomer.id)).toEqual({ balance: 200, available: 200 });
  });

  it("grants the community's own base points", async () => {
    const c = await world.community();
    const admin = await world.communityAdmin(c.id);
    const patch = await earning.api(admin).patch(`/communities/${c.id}/profile`, { baseGrantPoints: 150 });
    expect(patch.status).toBe(200);
    const [id] = await earning.insertResidents(c.id, 3);
    await trigger(admin, c.id, 2026);
    expect(await untilDone(admin, c.id, 2026)).toMatchObject({ points: 150, granted: 3 });
    expect(await earning.wallet(id)).toEqual({ balance: 150, available: 150 });
  });

  it('is for the community admin of that community only', async () => {
    const c = await world.community();
    const other = await world.community();
    const staff = await world.staff(c.id);
    const otherAdmin = await world.communityAdmin(other.id);
    const admin = await world.communityAdmin(c.id);
    expect((await trigger(staff, c.id, 2026)).status).toBe(403);
    expect((await trigger(otherAdmin, c.id, 2026)).status).toBe(404);
    expect((await trigger(admin, c.id, 1999)).status).toBe(400);
    expect((await progress(admin, c.id, 2026)).status).toBe(404);
    expect(await world.count('base_grant_runs', 'community_id = ?', [c.id])).toBe(0);
  });
});
