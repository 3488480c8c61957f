import { randomUUID } from 'node:crypto';
import { createTestApp, TestApp } from './support/harness';
import { User, World } from './support/world';

/**
 * Awards posted without an Idempotency-Key (a double click, a client that retries): the same staff
 * member, resident, rule and note within AWARD_DEDUP_SECONDS answer the first award instead of
 * giving the points twice. A key, when sent, decides alone.
 */
describe('awards without an Idempotency-Key', () => {
  let t: TestApp;
  let world: World;
  let community: Awaited<ReturnType<World['community']>>;
  let staff: User;
  let resident: User;
  let ruleId: string;
  let otherRuleId: string;

  beforeAll(async () => {
    t = await createTestApp({ role: 'api' });
    world = new World(t);
    community = await world.community();
    const admin = await world.communityAdmin(community.id);
    [staff, resident] = await Promise.all([world.staff(community.id), world.resident(community.id)]);
    const rule = (name: string, points: number) =>
      t
        .http()
        .post(`/api/v1/communities/${community.id}/point-rules`)
        .set('Authorization', `Bearer ${admin.token}`)
        .send({ kind: 'item', name, points });
    ruleId = (await rule('扫雪除冰', 5)).body.id;
    otherRuleId = (await rule('文明楼道', 3)).body.id;
  });
  afterAll(() => t?.close());

  const award = (by: User, body: Record<string, unknown>, key?: string) => {
    const req = t.http().post('/api/v1/awards').set('Authorization', `Bearer ${by.token}`);
    if (key) req.set('Idempotency-Key', key);
    return req.send(body);
  };
  const balance = async (u: User) =>
    (await t.http().get('/api/v1/me/wallet').set('Authorization', `Bearer ${u.token}`)).body.balance;
  const awardsOf = (u: User) => world.count('awards', 'resident_id = ?', [u.id]);

  it('answers concurrent identical posts with the first award: the points are given once', async () => {
    const before = { awards: await awardsOf(resident), balance: await balance(resident) };
    const body = { residentId: resident.id, ruleId, note: '清扫3号楼门前积雪' };
    const res = await Promise.all(Array.from({ length: 8 }, () => award(staff, body)));
    expect(res.map((r) => r.status)).toEqual(Array(8).fill(201));
    expect(new Set(res.map((r) => r.body.id)).size).toBe(1);
    expect(new Set(res.map((r) => r.body.transfer.id)).size).toBe(1);
    expect(await awardsOf(resident)).toBe(before.awards + 1);
    expect(await balance(resident)).toBe(before.balance + 5);
    // The same request a moment later (a second click) is still the first award.
    const later = await award(staff, { ...body, note: ` ${body.note} ` });
    expect([later.status, later.body.id]).toEqual([201, res[0].body.id]);
  });

  it('gives a second award for another note, rule, resident or staff member', async () => {
    const neighbour = await world.resident(community.id);
    const colleague = await world.staff(community.id);
    const base = { residentId: resident.id, ruleId, note: '帮助邻居搬家' };
    const ids = new Set<string>();
    for (const [by, body] of [
      [staff, base],
      [staff, { ...base, note: '帮助邻居修水管' }],
      [staff, { ...base, ruleId: otherRuleId }],
      [staff, { ...base, residentId: neighbour.id }],
      [colleague, base],
      [staff, { residentId: resident.id, ruleId }],
    ] as Array<[User, Record<string, unknown>]>) {
      const res = await award(by, body);
      expect(res.status).toBe(201);
      ids.add(res.body.id);
    }
    expect(ids.size).toBe(6);
  });

  it('gives the same award again once AWARD_DEDUP_SECONDS have passed', async () => {
    const body = { residentId: resident.id, ruleId, note: '周末义务巡逻' };
    const first = await award(staff, body);
    expect((await award(staff, body)).body.id).toBe(first.body.id);
    await t.sql(`UPDATE idempotency_keys SET created_at = created_at - INTERVAL 1 HOUR WHERE scope = ?`, [
      `awards-auto:${staff.id}`,
    ]);
    const again = await award(staff, body);
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(first.body.id);
  });

  it('lets an Idempotency-Key decide when one is sent: two keys are two awards, one key is one', async () => {
    const body = { residentId: resident.id, ruleId, note: '整理社区图书角' };
    const [k1, k2] = [randomUUID(), randomUUID()];
    const a = await award(staff, body, k1);
    const b = await award(staff, body, k2);
    const replay = await Promise.all([award(staff, body, k1), award(staff, body, k1)]);
    expect(a.body.id).not.toBe(b.body.id);
    expect(replay.map((r) => r.body.id)).toEqual([a.body.id, a.body.id]);
    const reused = await award(staff, { ...body, note: '另一件事' }, k1);
    expect([reused.status, reused.body.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
  });
});
