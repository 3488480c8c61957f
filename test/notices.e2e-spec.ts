import { TransactionService } from '../src/database/transaction.service';
import { NoticesService } from '../src/notices/notices.service';
import { Earning, RuleBook } from './support/earning';
import { Funding } from './support/funding';
import { createTestApp, TestApp, waitFor } from './support/harness';
import { User, World } from './support/world';

type Community = Awaited<ReturnType<World['community']>>;

describe('public notices (公示): a hash-chained log per community, verified, open to objections', () => {
  let t: TestApp;
  let world: World;
  let earning: Earning;
  let funding: Funding;

  beforeAll(async () => {
    t = await createTestApp({ role: 'all' });
    world = new World(t);
    earning = new Earning(t, world);
    funding = new Funding(t, world);
  });
  afterAll(() => t?.close());

  const api = (u: User) => earning.api(u);
  const notices = async (u: User, communityId: string, query = '') =>
    api(u).get(`/communities/${communityId}/notices${query}`);
  const verify = async (u: User, communityId: string) =>
    (await api(u).get(`/communities/${communityId}/notices/verify`)).body;
  const object = (u: User, communityId: string, seq: number, reason = '扣分的时间不对') =>
    api(u).post(`/notices/${seq}/objections`, { communityId, reason });

  /** A community with its admin, a staff member, a resident and the seed's rule book. */
  async function community(opts: { streetId?: string; cityId?: string } = {}) {
    const c: Community = await world.community(undefined, opts);
    const admin = await world.communityAdmin(c.id);
    const staff = await world.staff(c.id);
    const resident = await world.resident(c.id, { displayName: '张小红' });
    const book: RuleBook = await earning.ruleBook(admin, c.id);
    return { c, admin, staff, resident, book };
  }

  it('publishes awards, deductions, approved declarations, one notice per base grant run and approved funding reports', async () => {
    const { c, admin, staff, resident, book } = await community();
    await world.resident(c.id, { displayName: '李雷' });
    await earning.award(staff, resident, book.treePlanting);
    await earning.award(staff, resident, book.vegetablesOnGreen);
    const declared = await earning.declareReq(resident, book.civilisedStairwell);
    expect(declared.status).toBe(201);
    expect((await api(staff).post(`/declarations/${declared.body.id}/approve`)).status).toBe(200);
    const year = new Date().getUTCFullYear();
    expect((await api(admin).post(`/communities/${c.id}/base-grants`, { year })).status).toBe(202);
    await waitFor(
      async () => (await api(admin).get(`/communities/${c.id}/base-grants/${year}`)).body.status,
      (s) => s === 'done',
      { timeoutMs: 30_000, what: 'base grant done' },
    );
    const officer = await world.user(['street_officer'], c.streetId);
    const report = await funding.report(admin, c.id);
    expect((await funding.submit(admin, report.id)).status).toBe(200);
    expect((await funding.review(officer, report.id, 'approve')).status).toBe(200);

    const page = await notices(resident, c.id);
    expect(page.status).toBe(200);
    const items = [...page.body.items].reverse();
    expect(items.map((n: any) => [n.seq, n.kind])).toEqual([
      [1, 'award'],
      [2, 'deduction'],
      [3, 'declaration'],
      [4, 'base_grant'],
      [5, 'funding_report'],
    ]);
    expect(items.map((n: any) => n.summary)).toEqual([
      '张*红 因「认领树木/植树护绿」获 2 分',
      '张*红 因「毁绿种菜」扣 3 分',
      '张*红 申报「文明楼道」经审核通过，获 3 分',
      `${year} 年度基础分：2 位居民各获 100 分`,
      expect.stringContaining('经街道审核通过'),
    ]);
    expect(items[2]).toMatchObject({ refType: 'declaration', refId: declared.body.id });
    expect(items[4]).toMatchObject({ refType: 'funding_report', refId: report.id });
    expect(items[0].prevHash).toBe('0'.repeat(64));
    items.slice(1).forEach((n: any, i: number) => expect(n.prevHash).toBe(items[i].hash));
    expect(await verify(resident, c.id)).toEqual({ ok: true, length: 5, head: items[4].hash });
    // A rolled-back event leaves no notice: the notice is written in the event's transaction.
    const rolledBack = t.app.get(TransactionService).run(async (tx) => {
      await t.app.get(NoticesService).publish(tx, {
        communityId: c.id,
        kind: 'award',
        summary: '不会留下',
        refType: 'award',
        refId: 'rolled-back',
      });
      throw new Error('the event failed');
    });
    await expect(rolledBack).rejects.toThrow('the event failed');
    expect(await verify(staff, c.id)).toEqual({ ok: true, length: 5, head: items[4].hash });
  });

  it('keeps one chain when many events commit at once', async () => {
    const { c, staff, book } = await community();
    const residents = await Promise.all(Array.from({ length: 12 }, () => world.resident(c.id)));
    const answers = await Promise.all(
      residents.map((r, i) =>
        earning.awardReq(staff, r, i % 3 ? book.treePlanting : book.vegetablesOnGreen, `n-${i}-${c.id}`),
      ),
    );
    expect(answers.map((r) => r.status)).toEqual(residents.map(() => 201));
    const rows = await t.sql<{ seq: number; prev_hash: string; hash: string }>(
      'SELECT seq, prev_hash, hash FROM notices WHERE community_id = ? ORDER BY seq',
      [c.id],
    );
    expect(rows.map((r) => Number(r.seq))).toEqual(residents.map((_, i) => i + 1));
    expect(new Set(rows.map((r) => r.prev_hash)).size).toBe(rows.length);
    expect(await verify(staff, c.id)).toEqual({ ok: true, length: 12, head: rows[11].hash });
  });

  it('finds a row altered in the database and names it', async () => {
    const { c, staff, resident, book } = await community();
    for (let i = 0; i < 4; i++) await earning.award(staff, resident, book.treePlanting);
    expect((await verify(resident, c.id)).ok).toBe(true);
    await t.sql(
      "UPDATE notices SET summary = '张*红 因「认领树木/植树护绿」获 200 分' WHERE community_id = ? AND seq = 3",
      [c.id],
    );
    const broken = await verify(resident, c.id);
    expect(broken).toMatchObject({ ok: false, length: 4, firstBrokenSeq: 3 });
    // A row deleted from the end is found too (the head still counts it).
    const { c: c2, staff: s2, resident: r2, book: b2 } = await community();
    for (let i = 0; i < 3; i++) await earning.award(s2, r2, b2.treePlanting);
    await t.sql('DELETE FROM notices WHERE community_id = ? AND seq = 3', [c2.id]);
    expect(await verify(r2, c2.id)).toMatchObject({ ok: false, length: 3, firstBrokenSeq: 3 });
  });

  it('pages newest first by seq', async () => {
    const { c, staff, resident, book } = await community();
    for (let i = 0; i < 5; i++) await earning.award(staff, resident, book.treePlanting);
    const first = await notices(resident, c.id, '?limit=2');
    expect(first.body.items.map((n: any) => n.seq)).toEqual([5, 4]);
    const second = await notices(resident, c.id, `?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((n: any) => n.seq)).toEqual([3, 2]);
    const third = await notices(resident, c.id, `?limit=2&cursor=${second.body.nextCursor}`);
    expect(third.body).toEqual({ items: [expect.objectContaining({ seq: 1 })], nextCursor: null });
    const forged = await notices(resident, c.id, '?cursor=abc');
    expect([forged.status, forged.body.details.fields[0].field]).toEqual([400, 'cursor']);
  });

  it('takes objections from residents of the community within 7 days, once; staff read them', async () => {
    const { c, staff, resident, book } = await community();
    const neighbour = await world.resident(c.id);
    await earning.award(staff, resident, book.vegetablesOnGreen);
    await earning.award(staff, resident, book.treePlanting);
    const objected = await object(neighbour, c.id, 1);
    expect(objected.status).toBe(201);
    expect(objected.body).toMatchObject({
      communityId: c.id,
      seq: 1,
      residentId: neighbour.id,
      reason: '扣分的时间不对',
    });
    const twice = await object(neighbour, c.id, 1);
    expect([twice.status, twice.body.code]).toEqual([409, 'ALREADY_EXISTS']);
    expect((await object(staff, c.id, 1)).status).toBe(403);
    expect((await object(neighbour, c.id, 99)).status).toBe(404);

    await t.sql(
      'UPDATE notices SET created_at = DATE_SUB(created_at, INTERVAL 8 DAY) WHERE community_id = ? AND seq = 2',
      [c.id],
    );
    const before = await world.count('notice_objections');
    const late = await object(resident, c.id, 2);
    expect([late.status, late.body.code]).toEqual([422, 'OBJECTION_WINDOW_CLOSED']);
    expect(await world.count('notice_objections')).toBe(before);

    const list = await api(staff).get(`/communities/${c.id}/notices/objections`);
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([expect.objectContaining({ id: objected.body.id, seq: 1 })]);
    expect((await api(staff).get(`/communities/${c.id}/notices/objections?seq=2`)).body.items).toEqual([]);
    expect((await api(resident).get(`/communities/${c.id}/notices/objections`)).status).toBe(403);
  });

  it('is read only in the community: another community’s resident and staff get 404', async () => {
    const { c, staff, resident, book } = await community();
    await earning.award(staff, resident, book.treePlanting);
    const other = await community({ streetId: c.streetId, cityId: c.cityId });
    const outsider = other.resident;
    expect((await notices(outsider, c.id)).status).toBe(404);
    expect((await api(outsider).get(`/communities/${c.id}/notices/verify`)).status).toBe(404);
    expect((await notices(other.staff, c.id)).status).toBe(404);
    expect((await api(other.staff).get(`/communities/${c.id}/notices/objections`)).status).toBe(404);
    const before = await world.count('notice_objections');
    expect((await object(outsider, c.id, 1)).status).toBe(404);
    expect(await world.count('notice_objections')).toBe(before);
    const street = await world.user(['street_officer'], c.streetId);
    expect((await notices(street, c.id)).status).toBe(200);
  });

  it('refuses bad input with the field named and writes nothing', async () => {
    const { c, staff, resident, book } = await community();
    await earning.award(staff, resident, book.treePlanting);
    const before = await world.count('notice_objections');
    const cases: Array<[string, object, string]> = [
      ['/notices/1/objections', { communityId: 'nope', reason: 'x' }, 'communityId'],
      ['/notices/1/objections', { communityId: c.id, reason: '' }, 'reason'],
      ['/notices/1/objections', { communityId: c.id }, 'reason'],
      ['/notices/0/objections', { communityId: c.id, reason: 'x' }, 'seq'],
      ['/notices/x/objections', { communityId: c.id, reason: 'x' }, 'seq'],
    ];
    for (const [path, body, field] of cases) {
      const res = await api(resident).post(path, body);
      expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
      expect(res.body.details.fields.map((f: any) => f.field)).toContain(field);
    }
    expect(await world.count('notice_objections')).toBe(before);
    expect(
      (await api(resident).get(`/communities/${c.id}/notices?limit=0`)).body.details.fields[0].field,
    ).toBe('limit');
  });
});
