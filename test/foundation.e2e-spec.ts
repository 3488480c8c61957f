import { JwtService } from '@nestjs/jwt';
import type { AddressInfo } from 'node:net';
import { ADMIN, createTestApp, TestApp } from './support/harness';
import { User, World } from './support/world';

describe('foundation: HTTP basics, login, roles and scope', () => {
  let t: TestApp;
  let world: World;

  beforeAll(async () => {
    t = await createTestApp();
    world = new World(t);
  });
  afterAll(() => t?.close());

  it('answers /health with 200 when MySQL and Redis are up', async () => {
    const res = await t.http().get('/health');
    expect(res.status).toBe(200);
    expect(res.body.info.mysql.status).toBe('up');
    expect(res.body.info.redis.status).toBe('up');
  });

  it('puts an X-Request-Id on every response, keeping a well-formed one from the caller', async () => {
    const a = await t.http().get('/api/v1/me');
    expect(a.headers['x-request-id']).toMatch(/[0-9a-f-]{36}/);
    expect(a.body.requestId).toBe(a.headers['x-request-id']);
    const b = await t.http().get('/health').set('X-Request-Id', 'abc-123');
    expect(b.headers['x-request-id']).toBe('abc-123');
    const c = await t.http().get('/health').set('X-Request-Id', 'not ok\u00e9');
    expect(c.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs in the bootstrap admin and answers GET /me', async () => {
    const token = await world.admin();
    const me = await t.http().get('/api/v1/me').set('Authorization', `Bearer ${token}`);
    expect(me.status).toBe(200);
    expect(me.body.roles).toEqual(['city_admin']);
    expect(me.body).not.toHaveProperty('passwordHash');
  });

  it('answers unknown routes with 404 in the error shape', async () => {
    const res = await t
      .http()
      .get('/api/v1/no-such-thing')
      .set('Authorization', `Bearer ${await world.admin()}`);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
  });

  it('sets the usual security headers and no X-Powered-By', async () => {
    const res = await t.http().get('/health');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toBeDefined();
  });

  describe('Bull Board at /admin/queues', () => {
    let resident: User;
    let communityAdmin: User;

    beforeAll(async () => {
      const community = await world.community();
      resident = await world.resident(community.id);
      communityAdmin = await world.communityAdmin(community.id);
    });

    const board = (path = '/admin/queues') => t.http().get(path);
    const basic = (user: string, password: string) =>
      `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

    it('answers 401 without credentials, asking for them', async () => {
      for (const path of ['/admin/queues', '/admin/queues/api/queues']) {
        const res = await board(path);
        expect(res.status).toBe(401);
        expect(res.body).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
        expect(res.headers['www-authenticate']).toMatch(/^Basic /);
      }
    });

    it('answers 401 for a bad token or a wrong password', async () => {
      const forged = new JwtService({ secret: 'another-secret-0123456789abcdef' }).sign({
        sub: 'x',
        roles: ['city_admin'],
        rp: null,
      });
      expect((await board().set('Authorization', `Bearer ${forged}`)).status).toBe(401);
      expect((await board().set('Authorization', basic(ADMIN.username, 'wrong-password'))).status).toBe(401);
    });

    it('answers 403 for a user who is not a city administrator', async () => {
      for (const who of [resident, communityAdmin]) {
        const res = await board().set('Authorization', `Bearer ${who.token}`);
        expect(res.status).toBe(403);
        expect(res.body).toMatchObject({ statusCode: 403, code: 'FORBIDDEN' });
      }
      const viaPassword = await board().set('Authorization', basic(resident.username, resident.password));
      expect(viaPassword.status).toBe(403);
    });

    it('answers 200 for the administrator, with a bearer token or basic auth', async () => {
      const bearer = await board().set('Authorization', `Bearer ${await world.admin()}`);
      expect(bearer.status).toBe(200);
      expect(bearer.headers['content-type']).toMatch(/text\/html/);
      const viaBasic = await board().set('Authorization', basic(ADMIN.username, ADMIN.password));
      expect(viaBasic.status).toBe(200);
      const api = await board('/admin/queues/api/queues').set(
        'Authorization',
        `Bearer ${await world.admin()}`,
      );
      expect(api.status).toBe(200);
      expect(api.body.queues.map((q: { name: string }) => q.name)).toEqual(
        expect.arrayContaining(['system', 'earning', 'orders', 'reports']),
      );
    });

    it('serves a page and its parallel asset requests to a browser using basic auth', async () => {
      const auth = basic(ADMIN.username, ADMIN.password);
      const page = await board().set('Authorization', auth);
      expect(page.status).toBe(200);
      // The page's scripts, styles and icons (relative to <base href="/admin/queues/">).
      const assets = [...page.text.matchAll(/(?:src|href)="(static\/[^"]+)"/g)].map(
        (m) => `/admin/queues/${m[1]}`,
      );
      expect(assets.length).toBeGreaterThan(0);
      const paths = [...assets, ...Array(8).fill('/admin/queues/api/queues')];
      const res = await Promise.all(paths.map((p) => board(p).set('Authorization', auth)));
      expect(res.map((r) => r.status)).toEqual(paths.map(() => 200));
    });

    it('is not served under the API prefix', async () => {
      const res = await board('/api/v1/admin/queues').set('Authorization', `Bearer ${await world.admin()}`);
      expect(res.status).toBe(404);
    });
  });
});

describe('foundation: per-user rate limit and graceful shutdown', () => {
  const LIMIT = 15;
  let t: TestApp;
  let world: World;

  beforeAll(async () => {
    t = await createTestApp({ role: 'api', env: { RATE_LIMIT_PER_MINUTE: String(LIMIT) } });
    world = new World(t);
  });
  afterAll(() => t?.close());

  it('limits requests per authenticated user, never per address', async () => {
    const community = await world.community();
    const [a, b] = [await world.resident(community.id), await world.resident(community.id)];
    const me = (u: User) => t.http().get('/api/v1/me').set('Authorization', `Bearer ${u.token}`);
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 1; i++) statuses.push((await me(a)).status);
    expect(statuses.slice(0, LIMIT)).toEqual(Array(LIMIT).fill(200));
    const limited = await me(a);
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ statusCode: 429, code: 'TOO_MANY_REQUESTS' });
    // Another user behind the same address is not affected, nor is logging in, nor /health.
    expect((await me(b)).status).toBe(200);
    for (let i = 0; i < LIMIT + 1; i++) expect((await t.http().get('/health')).status).toBe(200);
    expect(await world.login(a.username, a.password)).toEqual(expect.any(String));
  });

  it('finishes a request in flight when the app is closed, then refuses new connections', async () => {
    await t.app.listen(0, '127.0.0.1');
    const server = t.app.getHttpServer();
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const events: string[] = [];
    let closing: Promise<void> | undefined;
    server.once('request', () => {
      events.push('request arrived');
      closing = t.close().then(() => {
        events.push('closed');
      });
    });
    // Logging in hashes a password and reads and writes the database: it is still running when
    // the shutdown starts.
    const res = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: ADMIN.username, password: ADMIN.password }),
    });
    events.push(`answered ${res.status}`);
    const body = (await res.json()) as { accessToken?: unknown };
    expect(res.status).toBe(200);
    expect(typeof body.accessToken).toBe('string');
    expect(closing).toBeDefined();
    await closing;
    expect(events).toEqual(['request arrived', 'answered 200', 'closed']);
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });
});
