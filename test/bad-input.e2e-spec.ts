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

  describe('the 5xx of issue 14, each a 4xx that names the field and writes nothing', () => {
    const raw = (
      method: 'post' | 'patch' | 'put' | 'delete',
      path: string,
      body: string,
      type = 'application/json',
    ) =>
      t
        .http()
        [method](`/api/v1${path}`)
        .set('Authorization', `Bearer ${admin}`)
        .set('Content-Type', type)
        .send(body);
    const everything = async () => ({
      ...(await rows()),
      keys: await world.count('signing_keys'),
      profiles: (await t.sql('SELECT COUNT(*) n, MAX(updated_at) u FROM community_profiles'))[0],
    });

    it('refuses a deeply nested body before parsing it: 400 JSON_TOO_DEEP naming the top-level field', async () => {
      const before = await everything();
      const deep = '{"a":'.repeat(6000) + '1' + '}'.repeat(6000);
      const a = await raw('post', '/users', deep);
      expect(a.status).toBe(400);
      expect(a.body).toMatchObject({ code: 'JSON_TOO_DEEP', details: { maxDepth: 32 } });
      expect(fieldsOf(a.body)).toEqual(['a']);
      const field = JSON.stringify({ ...goodUser(), roles: JSON.parse('['.repeat(40) + ']'.repeat(40)) });
      const b = await raw('post', '/users', field);
      expect(b.body.code).toBe('JSON_TOO_DEEP');
      expect(fieldsOf(b.body)).toEqual(['roles']);
      // Nested within the limit, an array where an object is declared is a validation error.
      const c = await raw(
        'patch',
        `/communities/${community.id}/profile`,
        '{"population":' + '['.repeat(20) + ']'.repeat(20) + '}',
      );
      expect(c.status).toBe(400);
      expect(fieldsOf(c.body)).toEqual(['population']);
      expect(await everything()).toEqual(before);
    });

    it('refuses null and numbers beyond a column where a number is declared', async () => {
      const before = await everything();
      for (const [body, field] of [
        ['{"baseGrantPoints":null}', 'baseGrantPoints'],
        ['{"collectiveIncomeFen":1e308}', 'collectiveIncomeFen'],
        ['{"collectiveIncomeFen":9223372036854775808}', 'collectiveIncomeFen'],
        ['{"population":1e-308}', 'population'],
        ['{"households":1e400}', 'households'],
      ]) {
        const res = await raw('patch', `/communities/${community.id}/profile`, body);
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
        expect(fieldsOf(res.body)).toEqual([field]);
      }
      expect(await everything()).toEqual(before);
    });

    it('refuses __proto__ and constructor keys, which would skip validation', async () => {
      const before = await everything();
      const a = await raw('post', '/regions', '{"__proto__":{"x":1},"name":"新城","kind":"city"}');
      expect(a.status).toBe(400);
      expect(fieldsOf(a.body)).toEqual(['__proto__']);
      const b = await post('/regions', { name: '新城', kind: 'city', constructor: { prototype: {} } });
      expect(b.status).toBe(400);
      expect(fieldsOf(b.body)).toEqual(['constructor']);
      expect(await everything()).toEqual(before);
    });

    it('refuses a body on a route that takes none, naming its fields', async () => {
      const before = await everything();
      const a = await raw('post', '/redemptions/keys/rotate', '{"kid":"x","extra":1}');
      expect(a.status).toBe(400);
      expect(fieldsOf(a.body).sort()).toEqual(['extra', 'kid']);
      // A route that takes no body at all names the body itself.
      const b = await raw('post', '/redemptions/keys/deadbeef/revoke', 'revoke please', 'text/plain');
      expect(b.status).toBe(400);
      expect(fieldsOf(b.body)).toEqual(['body']);
      expect(await everything()).toEqual(before);
      // ... while an empty body, or {}, rotates.
      expect((await raw('post', '/redemptions/keys/rotate', '{}')).status).toBe(201);
      expect(await world.count('signing_keys')).toBe(before.keys + 1);
    });

    it('answers a body in another media type with 415, naming what the route takes', async () => {
      const before = await everything();
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
        const res = await raw(
          'post',
          '/regions',
          type.includes('form') ? 'name=x&kind=city' : '{"name":"新城","kind":"city"}',
          type,
        );
        expect(res.status).toBe(415);
        expect(res.body).toMatchObject({
          code: 'UNSUPPORTED_MEDIA_TYPE',
          details: { expected: ['application/json'] },
        });
      }
      expect(await everything()).toEqual(before);
    });

    it('refuses forged cursors, unknown query keys and repeated ones', async () => {
      const forged = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
      for (const cursor of [
        forged(['x', 'y']),
        forged([{ a: 1 }, [2]]),
        forged(['2026-01-01T00:00:00.000Z', "x' OR 1=1"]),
        "1' OR '1'='1",
      ]) {
        const res = await t
          .http()
          .get('/api/v1/listings')
          .query({ cursor })
          .set('Authorization', `Bearer ${admin}`);
        expect(res.status).toBe(400);
        expect(fieldsOf(res.body)).toEqual(['cursor']);
      }
      const a = await t.http().get('/api/v1/listings?cursor[a]=1').set('Authorization', `Bearer ${admin}`);
      expect(a.status).toBe(400);
      expect(fieldsOf(a.body)).toEqual(['cursor[a]']);
      const b = await t.http().get('/api/v1/me?debug=1').set('Authorization', `Bearer ${admin}`);
      expect(b.status).toBe(400);
      expect(fieldsOf(b.body)).toEqual(['debug']);
      const c = await t
        .http()
        .get(`/api/v1/organizations?regionId=${community.id}&regionId=${community.id}`)
        .set('Authorization', `Bearer ${admin}`);
      expect(c.status).toBe(400);
      expect(fieldsOf(c.body)).toEqual(['regionId']);
    });

    it('answers errors as JSON with the request id, even before the body parser is done', async () => {
      const res = await raw('post', '/regions', '{"name":');
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body.requestId).toBe(res.headers['x-request-id']);
    });
  });

  it('still accepts the good request (the checks above can fail)', async () => {
    const before = await rows();
    const res = await post('/users', { ...goodUser(), birthDate: '1950-03-02' });
    expect(res.status).toBe(201);
    expect(res.body.birthDate).toBe('1950-03-02');
    expect(await rows()).toEqual({ ...before, users: before.users + 1 });
  });
});
