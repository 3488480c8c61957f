import { randomUUID } from 'node:crypto';
import { Earning } from './support/earning';
import { createTestApp, TestApp } from './support/harness';
import { User, World } from './support/world';

type Community = Awaited<ReturnType<World['community']>>;

describe('households (户): view, credit level, gifts', () => {
  let t: TestApp;
  let world: World;
  let earning: Earning;
  let a: Community;
  let b: Community;
  let staffA: User;
  let father: User;
  let mother: User;
  let daughter: User;
  let neighbour: User;
  let stranger: User;

  const view = (user: User, householdNo: string, communityId?: string) =>
    earning
      .api(user)
      .get(
        `/households/${encodeURIComponent(householdNo)}${communityId ? `?communityId=${communityId}` : ''}`,
      );
  const gift = (from: User, toResidentId: string, points: unknown) =>
    earning.api(from).post('/households/gifts', { toResidentId, points }, `gift-${randomUUID()}`);

  beforeAll(async () => {
    t = await createTestApp({ role: 'api' });
    world = new World(t);
    earning = new Earning(t, world);
    a = await world.community('桃花园社区');
    b = await world.community('东升社区', { streetId: a.streetId, cityId: a.cityId });
    const adminA = await world.communityAdmin(a.id);
    staffA = await world.staff(a.id);
    father = await world.resident(a.id, { displayName: '陈建国', householdNo: 'H-0101' });
    mother = await world.resident(a.id, { displayName: '刘秀英', householdNo: 'H-0101' });
    daughter = await world.resident(a.id, { displayName: '陈小雨', householdNo: 'H-0101' });
    neighbour = await world.resident(a.id, { displayName: '孙邻居', householdNo: 'H-0102' });
    stranger = await world.resident(b.id, { displayName: '外来人', householdNo: 'H-0101' });
    const big = await earning.item(adminA, a.id, 100);
    const small = await earning.item(adminA, a.id, 30);
    await earning.award(staffA, father, big);
    await earning.award(staffA, father, big);
    await earning.award(staffA, mother, small);
    await earning.award(staffA, neighbour, small);
  });
  afterAll(() => t?.close());

  it('shows its members their balances, the year’s earnings and the best credit level', async () => {
    const res = await view(mother, 'H-0101');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      householdNo: 'H-0101',
      communityId: a.id,
      earnedPoints: 230,
      creditLevel: 'AAA',
    });
    const byName = Object.fromEntries(res.body.members.map((m: any) => [m.displayName, m]));
    expect(Object.keys(byName).sort()).toEqual(['刘秀英', '陈小雨', '陈建国'].sort());
    expect(byName['陈建国']).toMatchObject({ residentId: father.id, available: 200, earnedPoints: 200 });
    expect(byName['刘秀英']).toMatchObject({ available: 30, earnedPoints: 30, creditLevel: 'NONE' });
    expect(byName['陈小雨']).toMatchObject({ available: 0, earnedPoints: 0 });
    const staff = await view(staffA, 'H-0101', a.id);
    expect([staff.status, staff.body.members.length]).toEqual([200, 3]);
    expect((await view(neighbour, 'H-0102')).body.creditLevel).toBe('NONE');
  });

  it('answers 404 to anyone else: a neighbour, another community, an unknown household', async () => {
    expect((await view(neighbour, 'H-0101')).status).toBe(404);
    expect((await view(stranger, 'H-0101', a.id)).status).toBe(404);
    expect((await view(stranger, 'H-0101')).body.members.map((m: any) => m.residentId)).toEqual([
      stranger.id,
    ]);
    const staffB = await world.staff(b.id);
    expect((await view(staffB, 'H-0101', a.id)).status).toBe(404);
    expect((await view(staffA, 'H-9999', a.id)).status).toBe(404);
    const bad = await view(staffA, 'H-0101', 'not-a-uuid');
    expect([bad.status, bad.body.details.fields[0].field]).toEqual([400, 'communityId']);
    const tooLong = await view(staffA, 'H'.repeat(65), a.id);
    expect([tooLong.status, tooLong.body.details.fields[0].field]).toEqual([400, 'householdNo']);
  });

  it('moves points between members through the ledger, without counting them as earned', async () => {
    const res = await gift(father, daughter.id, 50);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ fromResidentId: father.id, toResidentId: daughter.id, points: 50 });
    expect(await earning.wallet(father.id)).toMatchObject({ available: 150 });
    expect(await earning.wallet(daughter.id)).toMatchObject({ available: 50 });
    const [row] = await t.sql(
      'SELECT code, ledger, CAST(amount AS SIGNED) amount FROM transfers WHERE id = ?',
      [res.body.id],
    );
    expect(row).toEqual({ code: 'household_gift', ledger: 'POINTS', amount: 50 });
    const after = await view(daughter, 'H-0101');
    const d = after.body.members.find((m: any) => m.residentId === daughter.id);
    expect(d).toMatchObject({ available: 50, earnedPoints: 0 });
    expect(after.body.earnedPoints).toBe(230);
  });

  it('replays a gift sent twice with one Idempotency-Key', async () => {
    const key = `gift-${randomUUID()}`;
    const send = () =>
      earning.api(father).post('/households/gifts', { toResidentId: mother.id, points: 5 }, key);
    const [one, two] = await Promise.all([send(), send()]);
    expect([one.status, two.status]).toEqual([201, 201]);
    expect(one.body.id).toBe(two.body.id);
    expect(await earning.wallet(mother.id)).toMatchObject({ available: 35 });
  });

  it('refuses a gift outside the household, beyond the balance or malformed, writing nothing', async () => {
    const before = { transfers: await world.count('transfers'), accounts: await world.count('accounts') };
    const other = await gift(father, neighbour.id, 10);
    expect([other.status, other.body.code]).toEqual([422, 'NOT_SAME_HOUSEHOLD']);
    expect((await gift(father, stranger.id, 10)).status).toBe(404);
    const self = await gift(father, father.id, 10);
    expect([self.status, self.body.details.fields[0].field]).toEqual([400, 'toResidentId']);
    const poor = await gift(daughter, mother.id, 51);
    expect([poor.status, poor.body.code]).toEqual([409, 'INSUFFICIENT_POINTS']);
    for (const [points, field] of [
      [0, 'points'],
      [-1, 'points'],
      [1.5, 'points'],
      ['10', 'points'],
    ] as const) {
      const bad = await gift(father, mother.id, points);
      expect([bad.status, bad.body.code, bad.body.details.fields[0].field]).toEqual([
        400,
        'VALIDATION_FAILED',
        field,
      ]);
    }
    const noTarget = await earning.api(father).post('/households/gifts', { points: 1 });
    expect(noTarget.body.details.fields[0].field).toBe('toResidentId');
    const staffGift = await gift(staffA, father.id, 1);
    expect(staffGift.status).toBe(403);
    expect({ transfers: await world.count('transfers'), accounts: await world.count('accounts') }).toEqual(
      before,
    );
    expect(await earning.wallet(father.id)).toMatchObject({ available: 145 });
  });

  it('refuses a resident without a registered household', async () => {
    const alone = await world.resident(a.id);
    const res = await gift(alone, father.id, 1);
    expect([res.status, res.body.code]).toEqual([422, 'NOT_SAME_HOUSEHOLD']);
  });
});
