import { PointsExpiryNotices } from '../src/earning/points-expiry-notices.service';
import { Mall } from './support/catalog';
import { Earning } from './support/earning';
import { Funding } from './support/funding';
import { createTestApp, TestApp, waitFor } from './support/harness';
import { Counter } from './support/redemption';
import { awardAt } from './support/settlement';
import { User, World } from './support/world';

describe('points expiry (积分有效期): oldest first, never held points, once per resident and year', () => {
  let t: TestApp;
  let world: World;
  let earning: Earning;
  let counter: Counter;
  let funding: Funding;
  let c: { id: string };
  let admin: User;
  let spender: User; // 100 of 2025, 50 of 2026, spent 80
  let holder: User; // 100 of 2025, 60 held by an open order
  let recent: User; // 70 of 2026 only
  let heldOrder: string;

  const api = (u: User) => earning.api(u);
  const expire = (u: User, communityId: string, body: Record<string, unknown>) =>
    api(u).post(`/communities/${communityId}/points-expiry`, body);
  const settings = (u: User, communityId: string, body: Record<string, unknown>) =>
    t
      .http()
      .put(`/api/v1/communities/${communityId}/earning-settings`)
      .set('Authorization', `Bearer ${u.token}`)
      .send(body);
  const wallet = async (u: User) => (await counter.shop.wallet(u)).body;
  const untilDone = (runId: string) =>
    waitFor(
      async () =>
        (
          await t.sql(
            'SELECT status, residents_expired, points_expired FROM points_expiry_runs WHERE id = ?',
            [runId],
          )
        )[0],
      (r) => r?.status === 'done' || r?.status === 'failed',
      { timeoutMs: 30_000, what: 'the expiry run' },
    );
  const expiries = () =>
    t.sql(`SELECT debit_account_id, amount FROM transfers WHERE code = 'expiry' ORDER BY amount`);
  const notices = () =>
    t.sql(`SELECT user_id, body FROM notifications WHERE kind = 'points_expiring' ORDER BY user_id`);

  beforeAll(async () => {
    t = await createTestApp({ role: 'all' });
    world = new World(t);
    earning = new Earning(t, world);
    counter = new Counter(t, world);
    funding = new Funding(t, world);
    c = await world.community('桃花园社区');
    admin = await world.communityAdmin(c.id);
    spender = await world.resident(c.id);
    holder = await world.resident(c.id);
    recent = await world.resident(c.id);
    await awardAt(t, c.id, spender.id, 100, new Date('2025-06-01T02:00:00Z'));
    await awardAt(t, c.id, spender.id, 50, new Date('2026-03-01T02:00:00Z'));
    await awardAt(t, c.id, holder.id, 100, new Date('2025-12-31T15:00:00Z')); // 23:00 on 31 Dec 2025 in China
    await awardAt(t, c.id, recent.id, 70, new Date('2025-12-31T16:30:00Z')); // 00:30 on 1 Jan 2026 in China
    const mall = new Mall(t, world);
    const { staff } = await mall.provider('merchant', c.id);
    const eighty = await mall.create(staff, c.id, { pointsPrice: 80, stock: null });
    const sixty = await mall.create(staff, c.id, { pointsPrice: 60, stock: null });
    // The spender spends 80 (redeemed), the holder has 60 held by a ready order.
    for (const [u, l] of [
      [spender, eighty],
      [holder, sixty],
    ] as const) {
      const placed = await counter.shop.order(u, l.id);
      expect(placed.status).toBe(201);
      await waitFor(
        () => counter.shop.status(placed.body.id),
        (s) => s === 'ready',
        { what: 'order ready' },
      );
      if (u === holder) heldOrder = placed.body.id;
      else {
        const v = await t
          .http()
          .get(`/api/v1/orders/${placed.body.id}/voucher`)
          .set('Authorization', `Bearer ${u.token}`);
        expect((await counter.redeem(staff, v.body.code)).status).toBe(200);
      }
    }
  });
  afterAll(() => t?.close());

  it('sets pointsValidYears (none by default) and refuses bad values', async () => {
    const before = await api(admin).get(`/communities/${c.id}/earning-settings`);
    expect(before.body).toEqual({ communityId: c.id, yellowClearDays: 30 });
    const none = await expire(admin, c.id, { asOf: '2027-01-01' });
    expect(none.status).toBe(409);
    expect(none.body.code).toBe('POINTS_NEVER_EXPIRE');
    for (const bad of [0, 101, 1.5, '1', true]) {
      const res = await settings(admin, c.id, { pointsValidYears: bad });
      expect(res.status).toBe(400);
      expect(res.body.details.fields.map((f: any) => f.field)).toContain('pointsValidYears');
    }
    const set = await settings(admin, c.id, { pointsValidYears: 1 });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ communityId: c.id, yellowClearDays: 30, pointsValidYears: 1 });
    // The other setting alone leaves the validity as it is.
    expect((await settings(admin, c.id, { yellowClearDays: 20 })).body).toMatchObject({
      yellowClearDays: 20,
      pointsValidYears: 1,
    });
    expect(await world.count('points_expiry_runs')).toBe(0);
  });

  it('tells residents 30 days before their points expire, once per cut year', async () => {
    const notifier = t.app.get(PointsExpiryNotices);
    await notifier.notifyDue(new Date('2026-12-01T15:59:59Z')); // 31 days before 2027-01-01 (China)
    expect(await notices()).toEqual([]);
    await notifier.notifyDue(new Date('2026-12-01T16:00:00Z')); // 30 days before
    await notifier.notifyDue(new Date('2026-12-10T00:00:00Z'));
    const rows = await notices();
    expect(rows.map((r) => r.user_id).sort()).toEqual([spender.id, holder.id].sort());
    const body = (id: string) => rows.find((r) => r.user_id === id)!.body;
    expect(body(spender.id)).toContain('20 积分');
    expect(body(spender.id)).toContain('2027-01-01');
    expect(body(holder.id)).toContain('40 积分');
    const mine = await t
      .http()
      .get('/api/v1/me/notifications')
      .set('Authorization', `Bearer ${spender.token}`);
    expect(mine.body.items.filter((n: any) => n.kind === 'points_expiring')).toHaveLength(1);
  });

  it('expires 2025’s unspent points at 2027-01-01 (oldest spent first), not 2026’s, not held ones', async () => {
    const res = await expire(admin, c.id, { asOf: '2027-01-01' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      communityId: c.id,
      cutYear: 2025,
      validYears: 1,
      asOf: '2026-12-31T16:00:00.000Z',
    });
    expect(await untilDone(res.body.id)).toMatchObject({ status: 'done', residents_expired: 2 });
    expect(Number((await untilDone(res.body.id)).points_expired)).toBe(60);
    expect((await expiries()).map((r) => Number(r.amount))).toEqual([20, 40]);
    expect(await wallet(spender)).toMatchObject({ available: 50, held: 0 });
    expect(await wallet(holder)).toMatchObject({ available: 0, held: 60 });
    expect(await wallet(recent)).toMatchObject({ available: 70 });

    // The transactions list shows the expiry to the resident.
    const lines = await t
      .http()
      .get('/api/v1/me/transactions')
      .query({ code: 'expiry' })
      .set('Authorization', `Bearer ${spender.token}`);
    expect(lines.status).toBe(200);
    expect(lines.body.items).toEqual([expect.objectContaining({ code: 'expiry', amount: -20 })]);
  });

  it('expires nothing more on a second run, for the same date or a later one, even concurrently', async () => {
    const runs = await Promise.all(
      Array.from({ length: 5 }, () => expire(admin, c.id, { asOf: '2027-01-01' })),
    );
    expect(runs.map((r) => r.status)).toEqual(Array(5).fill(202));
    expect(new Set(runs.map((r) => r.body.id)).size).toBe(1);
    const later = await expire(admin, c.id, { asOf: '2027-01-02' });
    expect(later.body.cutYear).toBe(2025);
    await untilDone(runs[0].body.id);
    expect(await untilDone(later.body.id)).toMatchObject({ status: 'done', residents_expired: 0 });
    expect((await expiries()).map((r) => Number(r.amount))).toEqual([20, 40]);

    // The held points come back whole when the order is cancelled; they stay unexpired for this year.
    expect((await counter.shop.cancel(holder, heldOrder)).status).toBe(200);
    expect(await wallet(holder)).toMatchObject({ available: 60, held: 0 });
    const again = await expire(admin, c.id, { asOf: '2027-01-01' });
    await untilDone(again.body.id);
    expect(await wallet(holder)).toMatchObject({ available: 60 });
    expect(await world.count('transfers', "code = 'expiry'")).toBe(2);
  });

  it('shows the expired points in the funding report', async () => {
    const report = await funding.report(admin, c.id);
    expect(funding.community(report, c.id)).toMatchObject({ pointsExpired: 60 });
  });

  it('refuses a bad asOf, other roles and other communities, writing nothing', async () => {
    const runs = await world.count('points_expiry_runs');
    for (const asOf of ['tomorrow', '2027-13-01', '2027-01-01T00:00', '', 20270101, '2028-01-01']) {
      const res = await expire(admin, c.id, { asOf });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.details.fields.map((f: any) => f.field)).toContain('asOf');
    }
    expect((await expire(admin, c.id, {})).status).toBe(400);
    const resident = await world.resident(c.id);
    expect((await expire(resident, c.id, { asOf: '2027-01-01' })).status).toBe(403);
    expect((await expire(await world.staff(c.id), c.id, { asOf: '2027-01-01' })).status).toBe(403);
    const other = await world.community();
    expect((await expire(await world.communityAdmin(other.id), c.id, { asOf: '2027-01-01' })).status).toBe(
      404,
    );
    expect(await world.count('points_expiry_runs')).toBe(runs);

    // null: the points never expire again.
    const cleared = await settings(admin, c.id, { pointsValidYears: null });
    expect(cleared.body).toEqual({ communityId: c.id, yellowClearDays: 20 });
    expect((await expire(admin, c.id, { asOf: '2027-01-01' })).body.code).toBe('POINTS_NEVER_EXPIRE');
  });
});
