import { createTestApp, TestApp } from './support/harness';
import { User, World } from './support/world';

/** Roles answer 403; another tenant's objects answer 404, exactly like missing ones. */
describe('roles and scope', () => {
  let t: TestApp;
  let world: World;
  let a: Awaited<ReturnType<World['community']>>;
  let b: Awaited<ReturnType<World['community']>>;
  let otherCity: Awaited<ReturnType<World['community']>>;
  let adminA: User;
  let adminB: User;
  let residentA: User;
  let residentA2: User;
  let residentB: User;
  let streetOfficerA: User;

  beforeAll(async () => {
    t = await createTestApp({ role: 'api' });
    world = new World(t);
    a = await world.community('桃花园社区');
    // b shares a's city but sits under another street; otherCity is a separate city.
    const district = (
      await t.sql<{ parent_id: string }>('SELECT parent_id FROM regions WHERE id = ?', [a.streetId])
    )[0].parent_id;
    const streetB = await world.region('杏花街道', 'street', district);
    b = await world.community('杏花村', { streetId: streetB.id, cityId: a.cityId });
    otherCity = await world.community('外市社区');
    [adminA, adminB, residentA, residentA2, residentB] = await Promise.all([
      world.communityAdmin(a.id),
      world.communityAdmin(b.id),
      world.resident(a.id),
      world.resident(a.id),
      world.resident(b.id),
    ]);
    streetOfficerA = await world.user(['street_officer'], a.streetId);
  });
  afterAll(() => t?.close());

  const as = (u: User | string) => (typeof u === 'string' ? u : u.token);
  const getUser = (who: User | string, id: string) =>
    t
      .http()
      .get(`/api/v1/users/${id}`)
      .set('Authorization', `Bearer ${as(who)}`);
  const createUser = (who: User | string, body: Record<string, unknown>) =>
    t
      .http()
      .post('/api/v1/users')
      .set('Authorization', `Bearer ${as(who)}`)
      .send(body);
  const newResident = (regionId: string, roles = ['resident']) => ({
    username: `n${Date.now()}${Math.floor(Math.random() * 1e6)}`,
    password: 'pass-word-123',
    displayName: '钱多多',
    roles,
    regionId,
  });

  describe('roles', () => {
    it('forbids a resident, community staff and a grid worker to create users (403 FORBIDDEN)', async () => {
      const staff = await world.staff(a.id);
      const grid = await world.gridWorker(a.id);
      const before = await world.count('users');
      for (const who of [residentA, staff, grid]) {
        const res = await createUser(who, newResident(a.id));
        expect(res.status).toBe(403);
        expect(res.body).toMatchObject({ statusCode: 403, code: 'FORBIDDEN' });
      }
      expect(await world.count('users')).toBe(before);
    });

    it('lets a community admin create residents and staff of their community, but no admins', async () => {
      expect((await createUser(adminA, newResident(a.id))).status).toBe(201);
      expect((await createUser(adminA, newResident(a.id, ['community_staff']))).status).toBe(201);
      for (const roles of [
        ['community_admin'],
        ['city_admin'],
        ['street_officer'],
        ['resident', 'city_admin'],
      ]) {
        const res = await createUser(adminA, newResident(a.id, roles));
        expect(res.status).toBe(403);
        expect(res.body.code).toBe('FORBIDDEN');
      }
    });

    it('forbids a resident to import a register (403)', async () => {
      const res = await world.importResidents(
        a.id,
        '姓名,户号,手机号\n孙悟空,H1,13900000001\n',
        residentA.token,
      );
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('FORBIDDEN');
    });

    it('forbids a resident to create regions (403)', async () => {
      const res = await t
        .http()
        .post('/api/v1/regions')
        .set('Authorization', `Bearer ${residentA.token}`)
        .send({ name: '新区', kind: 'district', parentId: a.cityId });
      expect(res.status).toBe(403);
    });
  });

  describe('another community answers 404', () => {
    it('GET /users/:id: a community admin sees their own residents only', async () => {
      expect((await getUser(adminA, residentA.id)).status).toBe(200);
      expect((await getUser(adminA, adminA.id)).status).toBe(200);
      const missing = await getUser(adminA, '00000000-0000-4000-8000-000000000000');
      expect(missing.status).toBe(404);
      const admin = await t.sql<{ id: string }>("SELECT id FROM users WHERE username = 'admin'");
      for (const id of [residentB.id, adminB.id, admin[0].id]) {
        const res = await getUser(adminA, id);
        expect(res.status).toBe(404);
        expect(res.body).toMatchObject({ statusCode: 404, code: 'NOT_FOUND', message: missing.body.message });
        expect(JSON.stringify(res.body)).not.toContain(residentB.username);
      }
    });

    it('GET /users/:id: a resident sees themself and nobody else', async () => {
      expect((await getUser(residentA, residentA.id)).status).toBe(200);
      expect((await getUser(residentA, residentA2.id)).status).toBe(404);
      expect((await getUser(residentA, adminA.id)).status).toBe(404);
    });

    it('GET /users/:id: a street officer sees the communities of their street only', async () => {
      expect((await getUser(streetOfficerA, residentA.id)).status).toBe(200);
      expect((await getUser(streetOfficerA, residentB.id)).status).toBe(404);
    });

    it('POST /communities/:id/residents/import into another community is 404 and writes nothing', async () => {
      const csv = '姓名,户号,手机号\n孙悟空,H1,13900000002\n';
      const before = await world.count('users');
      const res = await world.importResidents(b.id, csv, adminA.token);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('NOT_FOUND');
      const street = await world.importResidents(a.streetId, csv, adminA.token);
      expect(street.status).toBe(404);
      expect(await world.count('users')).toBe(before);
      // The same file into their own community works.
      expect((await world.importResidents(a.id, csv, adminA.token)).status).toBe(201);
      expect(await world.count('users')).toBe(before + 1);
    });

    it('POST /users into another community is 404', async () => {
      const res = await createUser(adminA, newResident(b.id));
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('NOT_FOUND');
    });

    it('POST /users/:id/password: admins reset the passwords they could grant, in scope only', async () => {
      const setPassword = (who: User, id: string, password: string) =>
        t
          .http()
          .post(`/api/v1/users/${id}/password`)
          .set('Authorization', `Bearer ${who.token}`)
          .send({ password });
      const resident = await world.resident(a.id);
      expect((await setPassword(adminA, resident.id, 'a-new-password-1')).status).toBe(204);
      expect(await world.login(resident.username, 'a-new-password-1')).toEqual(expect.any(String));
      // Not another tenant's user, not a peer admin, not as staff.
      expect((await setPassword(adminA, residentB.id, 'a-new-password-2')).status).toBe(404);
      const peer = await world.communityAdmin(a.id);
      const taken = await setPassword(adminA, peer.id, 'a-new-password-3');
      expect(taken.status).toBe(403);
      expect(taken.body.code).toBe('FORBIDDEN');
      expect(await world.login(peer.username, peer.password)).toEqual(expect.any(String));
      const staff = await world.staff(a.id);
      expect((await setPassword(staff, resident.id, 'a-new-password-4')).status).toBe(403);
      // Everyone may change their own.
      expect((await setPassword(peer, peer.id, 'a-new-password-5')).status).toBe(204);
    });

    it('community profiles of another community are 404', async () => {
      const read = await t
        .http()
        .get(`/api/v1/communities/${b.id}/profile`)
        .set('Authorization', `Bearer ${adminA.token}`);
      expect(read.status).toBe(404);
      const write = await t
        .http()
        .patch(`/api/v1/communities/${b.id}/profile`)
        .set('Authorization', `Bearer ${adminA.token}`)
        .send({ population: 10 });
      expect(write.status).toBe(404);
      const own = await t
        .http()
        .patch(`/api/v1/communities/${a.id}/profile`)
        .set('Authorization', `Bearer ${adminA.token}`)
        .send({ population: 10 });
      expect(own.status).toBe(200);
      expect(own.body.population).toBe(10);
    });
  });

  describe('GET /regions/tree', () => {
    const ids = (nodes: Array<{ id: string; children: any[] }>): string[] =>
      nodes.flatMap((n) => [n.id, ...ids(n.children)]);

    it('answers any user with the tree of their own city', async () => {
      const merchant = await world.organization('惠民超市', 'merchant', a.id);
      const merchantStaff = await world.user(['merchant_staff'], a.id, { organizationId: merchant.id });
      for (const who of [residentA, adminA, streetOfficerA, merchantStaff]) {
        const res = await t.http().get('/api/v1/regions/tree').set('Authorization', `Bearer ${who.token}`);
        expect(res.status).toBe(200);
        expect(res.body).toHaveLength(1);
        expect(res.body[0]).toMatchObject({ id: a.cityId, kind: 'city' });
        const seen = ids(res.body);
        expect(seen).toEqual(expect.arrayContaining([a.id, b.id, a.streetId]));
        expect(seen).not.toContain(otherCity.id);
      }
    });

    it('answers the platform administrator with every city', async () => {
      const res = await t
        .http()
        .get('/api/v1/regions/tree')
        .set('Authorization', `Bearer ${await world.admin()}`);
      expect(res.status).toBe(200);
      expect(ids(res.body)).toEqual(expect.arrayContaining([a.id, b.id, otherCity.id]));
    });

    it('needs a token', async () => {
      expect((await t.http().get('/api/v1/regions/tree')).status).toBe(401);
    });
  });
});
