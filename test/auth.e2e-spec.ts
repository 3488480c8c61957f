import { JwtService } from '@nestjs/jwt';
import { ADMIN, createTestApp, TestApp } from './support/harness';
import { User, World } from './support/world';

const MAX_FAILURES = 5;

describe('login and tokens', () => {
  let t: TestApp;
  let world: World;
  let community: Awaited<ReturnType<World['community']>>;

  beforeAll(async () => {
    t = await createTestApp({ role: 'api', env: { LOGIN_MAX_FAILURES: String(MAX_FAILURES) } });
    world = new World(t);
    community = await world.community();
  });
  afterAll(() => t?.close());

  const login = (username: string, password: string) =>
    t.http().post('/api/v1/auth/login').send({ username, password });
  const me = (token: string) => t.http().get('/api/v1/me').set('Authorization', `Bearer ${token}`);

  describe('passwords', () => {
    let alice: User;
    beforeAll(async () => {
      alice = await world.resident(community.id, { displayName: '李爱丽' });
    });

    it('gives a working token for the right password', async () => {
      const res = await login(alice.username, alice.password);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        tokenType: 'Bearer',
        user: { id: alice.id, username: alice.username, roles: ['resident'], regionId: community.id },
      });
      expect(typeof res.body.accessToken).toBe('string');
      expect(res.body.expiresIn).toBe(12 * 3600);
      const profile = await me(res.body.accessToken);
      expect(profile.status).toBe(200);
      expect(profile.body).toMatchObject({
        id: alice.id,
        displayName: '李爱丽',
        region: { id: community.id },
      });
    });

    it('matches the username without regard to case or surrounding spaces', async () => {
      const res = await login(`  ${ADMIN.username.toUpperCase()} `, ADMIN.password);
      expect(res.status).toBe(200);
    });

    it('answers a wrong password and an unknown user alike: 401 INVALID_CREDENTIALS', async () => {
      const wrong = await login(alice.username, 'not-her-password');
      expect(wrong.status).toBe(401);
      expect(wrong.body).toMatchObject({ statusCode: 401, code: 'INVALID_CREDENTIALS' });
      expect(wrong.body).not.toHaveProperty('accessToken');
      const unknown = await login('nobody-like-this', 'whatever-123');
      expect(unknown.status).toBe(401);
      expect(unknown.body.code).toBe('INVALID_CREDENTIALS');
      expect(unknown.body.message).toBe(wrong.body.message);
    });

    it('does not let an imported resident without a password log in', async () => {
      const username = `imported${Date.now()}`;
      const imp = await world.importResidents(
        community.id,
        `姓名,户号,用户名\n赵大爷,H-9,${username}\n`,
        await world.admin(),
      );
      expect(imp.status).toBe(201);
      for (const password of ['', 'null', 'undefined-password']) {
        const res = await login(username, password);
        expect(res.status).toBe(password === '' ? 400 : 401);
      }
    });
  });

  describe('failed logins are limited per username, never per address', () => {
    it('locks one username after a burst of failures, even a concurrent one', async () => {
      const victim = await world.resident(community.id);
      const burst = await Promise.all(
        Array.from({ length: MAX_FAILURES + 7 }, () => login(victim.username, 'guess-guess-guess')),
      );
      const statuses = burst.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 401)).toHaveLength(MAX_FAILURES);
      expect(statuses.filter((s) => s === 429)).toHaveLength(7);
      const locked = burst.find((r) => r.status === 429)!;
      expect(locked.body).toMatchObject({ statusCode: 429, code: 'TOO_MANY_ATTEMPTS' });
      expect(locked.body.details.retryAfterSeconds).toBeGreaterThan(0);
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);

      // The right password does not get through while the username is locked ...
      const right = await login(victim.username, victim.password);
      expect(right.status).toBe(429);
      expect(right.body.code).toBe('TOO_MANY_ATTEMPTS');
      // ... nor does another spelling of the same username.
      expect((await login(victim.username.toUpperCase(), victim.password)).status).toBe(429);

      // Someone else at the same address logs in as usual.
      const other = await world.resident(community.id);
      expect((await login(other.username, other.password)).status).toBe(200);

      // The lock ends with its window.
      await t.sql(
        'UPDATE login_failures SET window_started_at = window_started_at - INTERVAL 1 DAY WHERE username = ?',
        [victim.username],
      );
      expect((await login(victim.username, victim.password)).status).toBe(200);
    });

    it('never locks an address: many usernames failing from one terminal all get 401', async () => {
      const names = Array.from({ length: 3 * MAX_FAILURES }, (_, i) => `terminal-user-${i}`);
      const res = await Promise.all(names.map((n) => login(n, 'wrong-password')));
      expect(res.map((r) => r.status)).toEqual(names.map(() => 401));
      const someone = await world.resident(community.id);
      expect((await login(someone.username, someone.password)).status).toBe(200);
    });

    it('clears the count on a successful login', async () => {
      const bob = await world.resident(community.id);
      for (let i = 0; i < MAX_FAILURES - 1; i++)
        expect((await login(bob.username, 'nope-nope')).status).toBe(401);
      expect((await login(bob.username, bob.password)).status).toBe(200);
      for (let i = 0; i < MAX_FAILURES - 1; i++)
        expect((await login(bob.username, 'nope-nope')).status).toBe(401);
      expect((await login(bob.username, bob.password)).status).toBe(200);
    });
  });

  describe('tokens', () => {
    let claims: Record<string, unknown>;
    beforeAll(async () => {
      const token = await world.admin();
      const { iat: _i, exp: _e, ...rest } = new JwtService().decode(token) as Record<string, unknown>;
      claims = rest;
    });

    const sign = (secret: string, opts: Record<string, unknown> = {}) =>
      new JwtService({ secret }).sign(claims, { algorithm: 'HS256', ...opts });

    it('accepts a token signed with the app secret (control for the cases below)', async () => {
      expect((await me(sign(t.config.jwtSecret!, { expiresIn: 60 }))).status).toBe(200);
    });

    it('rejects a token signed with another secret', async () => {
      const res = await me(sign('another-secret-0123456789abcdef', { expiresIn: 60 }));
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
    });

    it('rejects an expired token', async () => {
      const now = Math.floor(Date.now() / 1000);
      const expired = new JwtService({ secret: t.config.jwtSecret! }).sign(
        { ...claims, iat: now - 7200, exp: now - 60 },
        { algorithm: 'HS256' },
      );
      const res = await me(expired);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('UNAUTHORIZED');
    });

    it('rejects an unsigned token, a tampered one, a missing one and a malformed header', async () => {
      const good = sign(t.config.jwtSecret!, { expiresIn: 60 });
      const [h, p, s] = good.split('.');
      const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${p}.`;
      const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
      const tampered = `${h}.${b64({ ...payload, exp: payload.exp + 3600 })}.${s}`;
      for (const token of [unsigned, tampered, 'not.a.token', '']) {
        const res = await me(token);
        expect(res.status).toBe(401);
        expect(res.body.code).toBe('UNAUTHORIZED');
      }
      expect((await t.http().get('/api/v1/me')).status).toBe(401);
      expect((await t.http().get('/api/v1/me').set('Authorization', `Basic ${good}`)).status).toBe(401);
    });
  });
});
