import { createTestApp, TestApp } from './support/harness';
import { World } from './support/world';

/** Every bad request answers 400/413 with the error shape and writes nothing. */
describe('bad input', () => {
  let t: TestApp;
  let world: World;
  let admin: string;
  let community: Awaited<ReturnType<World['community']>>;

  beforeAll(async () => {
    t = await createTestApp({ role: 'api' });
    world = new World(t);
    admin = await world.admin();
    community = await world.community();
  });
  afterAll(() => t?.close());

  const rows = async () => ({ users: await world.count('users'), regions: await world.count('regions') });
  const fieldsOf = (body: any): string[] => (body.details?.fields ?? []).map((f: any) => f.field);

  const goodUser = () => ({
    username: `u${Date.now()}${Math.floor(Math.random() * 1e6)}`,
    password: 'pass-word-123',
    displayName: '王小明',
    roles: ['resident'],
    regionId: community.id,
  });

  const post = (path: string, body: unknown) =>
    t
      .http()
      .post(`/api/v1${path}`)
      .set('Authorization', `Bearer ${admin}`)
      .send(body as object);

  it('names an unknown field', async () => {
    const before = await rows();
    const a = await post('/users', { ...goodUser(), isSuperuser: true });
    expect(a.status).toBe(400);
    expect(a.body.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(a.body)).toEqual(['isSuperuser']);
    const b = await post('/regions', { name: '新城', kind: 'city', colour: 'red' });
    expect(b.status).toBe(400);
    expect(b.body.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(b.body)).toEqual(['colour']);
    expect(await rows()).toEqual(before);
  });

  it('names fields of the wrong type', async () => {
    const before = await rows();
    const a = await post('/users', { ...goodUser(), roles: 'resident', regionId: 42 });
    expect(a.status).toBe(400);
    expect(a.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
    expect(fieldsOf(a.body).sort()).toEqual(['regionId', 'roles']);
    expect(typeof a.body.message).toBe('string');
    const b = await post('/regions', { name: 7, kind: 'city' });
    expect(b.status).toBe(400);
    expect(fieldsOf(b.body)).toEqual(['name']);
    const c = await post('/regions', { name: '新城', kind: 'planet' });
    expect(c.status).toBe(400);
    expect(fieldsOf(c.body)).toEqual(['kind']);
    expect(await rows()).toEqual(before);
  });

  it('names missing fields', async () => {
    const before = await rows();
    const { password: _p, displayName: _d, ...rest } = goodUser();
    const a = await post('/users', rest);
    expect(a.status).toBe(400);
    expect(a.body.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(a.body).sort()).toEqual(['displayName', 'password']);
    const b = await post('/regions', {});
    expect(b.status).toBe(400);
    expect(fieldsOf(b.body).sort()).toEqual(['kind', 'name']);
    const c = await t.http().post('/api/v1/auth/login').send({ username: 'admin' });
    expect(c.status).toBe(400);
    expect(fieldsOf(c.body)).toEqual(['password']);
    expect(await rows()).toEqual(before);
  });

  it('names a birth date that is not a plain calendar date', async () => {
    const before = await rows();
    for (const birthDate of ['1950-03-02T10:00:00Z', '1950-02-30', '02/03/1950', '2999-01-01']) {
      const res = await post('/users', { ...goodUser(), birthDate });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(fieldsOf(res.body)).toEqual(['birthDate']);
    }
    expect(await rows()).toEqual(before);
  });

  it('rejects a body that is not an object, naming the problem', async () => {
    const before = await rows();
    for (const body of [[], [goodUser()]]) {
      const res = await post('/users', body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(fieldsOf(res.body)).toEqual(expect.arrayContaining(['username', 'regionId']));
    }
    expect(await rows()).toEqual(before);
  });

  it('answers malformed JSON with 400 MALFORMED_JSON', async () => {
    const before = await rows();
    for (const raw of ['{"name": "新城", "kind": "city"', "{'name': 1}", '"just a string"', '']) {
      const res = await t
        .http()
        .post('/api/v1/regions')
        .set('Authorization', `Bearer ${admin}`)
        .set('Content-Type', 'application/json')
        .send(raw);
      if (raw === '') {
        // An empty JSON body is no body: the fields are missing.
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
        continue;
      }
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, code: 'MALFORMED_JSON' });
      expect(res.body.requestId).toBe(res.headers['x-request-id']);
    }
    expect(await rows()).toEqual(before);
  });

  it('answers malformed JSON with MALFORMED_JSON on public routes too (before any auth)', async () => {
    const res = await t
      .http()
      .post('/api/v1/auth/login')
      .set('Content-Type', 'application/json')
      .send('{"username":');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('MALFORMED_JSON');
  });

  it('answers an oversized JSON body with 413 PAYLOAD_TOO_LARGE', async () => {
    const before = await rows();
    const big = { ...goodUser(), displayName: 'x'.repeat(2 * 1024 * 1024) };
    const res = await post('/users', big);
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
    expect(await rows()).toEqual(before);
  });

  it('answers an oversized CSV register with 413 PAYLOAD_TOO_LARGE', async () => {
    const before = await rows();
    const line = `王小明,H1,13800000000\n`;
    const csv = '姓名,户号,手机号\n' + line.repeat(Math.ceil((11 * 1024 * 1024) / line.length));
    const res = await t
      .http()
      .post(`/api/v1/communities/${community.id}/residents/import`)
      .set('Authorization', `Bearer ${admin}`)
      .set('Content-Type', 'text/csv')
      .send(csv);
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await rows()).toEqual(before);
  });

  it('names a malformed id in the path', async () => {
    const res = await t.http().get('/api/v1/users/not-a-uuid').set('Authorization', `Bearer ${admin}`);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(res.body)).toEqual(['id']);
  });

  it('still accepts the good request (the checks above can fail)', async () => {
    const before = await rows();
    const res = await post('/users', { ...goodUser(), birthDate: '1950-03-02' });
    expect(res.status).toBe(201);
    expect(res.body.birthDate).toBe('1950-03-02');
    expect(await rows()).toEqual({ ...before, users: before.users + 1 });
  });
});
