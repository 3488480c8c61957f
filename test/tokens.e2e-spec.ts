import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import { createTestApp, TestApp, waitFor } from './support/harness';
import { callOperation, Operation, openApiOperations } from './support/operations';
import { User, World } from './support/world';

/** Any well-formed value for each path parameter: a stale token must be refused before anything else. */
const PARAMS = {
  id: randomUUID(),
  year: 2026,
  kind: 'canteen_meal',
  kid: 'deadbeef',
  seq: 1,
  householdNo: 'H-0101',
};

/**
 * Tokens die with their user: once a user is disabled, deleted, has their password reset or their
 * roles changed, every token issued before answers 401 UNAUTHORIZED on every operation of the
 * OpenAPI document, at once in the process that made the change and within AUTH_CACHE_SECONDS in
 * the others; a token naming a user that does not exist is refused the same way. A fresh token of
 * a user who may still log in works.
 */
describe('tokens die with their user', () => {
  let t: TestApp;
  let other: TestApp;
  let world: World;
  let ops: Operation[];
  let protectedOps: Operation[];
  let community: Awaited<ReturnType<World['community']>>;
  let admin: User;

  beforeAll(async () => {
    t = await createTestApp({ role: 'api', env: { AUTH_CACHE_SECONDS: '2' } });
    other = await createTestApp({ role: 'api', attachTo: t });
    world = new World(t);
    community = await world.community();
    admin = await world.communityAdmin(community.id);
    ops = await openApiOperations(t);
    // The operations that need a token at all (all but login).
    const anonymous = await Promise.all(ops.map((op) => callOperation(t, op, null, { params: PARAMS })));
    protectedOps = ops.filter((_, i) => anonymous[i].status === 401);
  });
  afterAll(async () => {
    await other?.close();
    await t?.close();
  });

  const as = (token: string, app: TestApp = t) => ({
    me: () => app.http().get('/api/v1/me').set('Authorization', `Bearer ${token}`),
  });
  const manage = (path: string, body?: object) => {
    const req = path.startsWith('DELETE ')
      ? t.http().delete(`/api/v1${path.slice(7)}`)
      : path.startsWith('PATCH ')
        ? t.http().patch(`/api/v1${path.slice(6)}`)
        : t.http().post(`/api/v1${path}`);
    return req.set('Authorization', `Bearer ${admin.token}`).send(body ?? {});
  };
  const login = (username: string, password: string) =>
    t.http().post('/api/v1/auth/login').send({ username, password });

  /** Every protected operation with `token`: the statuses that are not 401 UNAUTHORIZED. */
  async function notRefused(token: string, app: TestApp = t): Promise<string[]> {
    const answers = await Promise.all(
      protectedOps.map((op) => callOperation(app, op, token, { params: PARAMS })),
    );
    return answers
      .map((res, i) => ({ res, op: protectedOps[i] }))
      .filter(({ res }) => res.status !== 401 || res.body.code !== 'UNAUTHORIZED')
      .map(({ res, op }) => `${op.name}: ${res.status}`);
  }

  /** Every protected operation with a fresh token: nothing answers 401. */
  async function refused(token: string): Promise<string[]> {
    const answers = await Promise.all(
      protectedOps.map((op) => callOperation(t, op, token, { params: PARAMS })),
    );
    return answers
      .map((res, i) => ({ res, op: protectedOps[i] }))
      .filter(({ res }) => res.status === 401)
      .map(({ op }) => op.name);
  }

  it('covers the whole document: every operation but login and health needs a token', () => {
    expect(ops.length).toBeGreaterThan(90);
    expect(ops.filter((op) => !protectedOps.includes(op)).map((op) => op.name)).toEqual([
      'GET /health',
      'POST /auth/login',
    ]);
  });

  it('a disabled user: old tokens 401 everywhere, in this process at once and in another within the cache time', async () => {
    const u = await world.resident(community.id);
    expect((await as(u.token, other).me()).status).toBe(200); // the other process has it cached now
    const disabled = await manage(`/users/${u.id}/disable`);
    expect([disabled.status, disabled.body.status, disabled.body.active]).toEqual([200, 'disabled', false]);

    expect((await as(u.token).me()).status).toBe(401);
    expect(await notRefused(u.token)).toEqual([]);
    await waitFor(
      () => as(u.token, other).me(),
      (r) => r.status === 401,
      { timeoutMs: 5_000, what: 'the other process to refuse the token' },
    );
    expect(await notRefused(u.token, other)).toEqual([]);
    expect((await login(u.username, u.password)).body.code).toBe('INVALID_CREDENTIALS');

    // Enabled again: a fresh login works everywhere; the old token stays dead.
    expect((await manage(`/users/${u.id}/enable`)).body.status).toBe('active');
    const fresh = await login(u.username, u.password);
    expect(fresh.status).toBe(200);
    expect(await refused(fresh.body.accessToken)).toEqual([]);
    expect((await as(fresh.body.accessToken, other).me()).status).toBe(200);
    expect((await as(u.token).me()).status).toBe(401);
  });

  it('a deleted user: old tokens 401 everywhere, no login; the row stays for the records', async () => {
    const u = await world.resident(community.id);
    const deleted = await manage(`DELETE /users/${u.id}`);
    expect(deleted.status).toBe(204);
    expect(await notRefused(u.token)).toEqual([]);
    expect((await login(u.username, u.password)).status).toBe(401);
    const row = await t.http().get(`/api/v1/users/${u.id}`).set('Authorization', `Bearer ${admin.token}`);
    expect(row.body).toMatchObject({ id: u.id, status: 'deleted', active: false });
    expect(row.body.deletedAt).toEqual(expect.any(String));
    // Deleting is final and asking again changes nothing.
    expect((await manage(`DELETE /users/${u.id}`)).status).toBe(204);
    expect((await manage(`/users/${u.id}/enable`)).body.code).toBe('INVALID_STATE');
    expect(await world.count('users', 'id = ? AND deleted_at IS NOT NULL', [u.id])).toBe(1);
    expect(await world.count('login_devices', 'user_id = ?', [u.id])).toBe(0);
  });

  it('a password reset: old tokens 401 everywhere; the new password gives a working token', async () => {
    const u = await world.staff(community.id);
    expect((await manage(`/users/${u.id}/password`, { password: 'a-brand-new-pass' })).status).toBe(204);
    expect(await notRefused(u.token)).toEqual([]);
    expect((await login(u.username, u.password)).status).toBe(401);
    const fresh = await login(u.username, 'a-brand-new-pass');
    expect(fresh.status).toBe(200);
    expect(await refused(fresh.body.accessToken)).toEqual([]);
  });

  it('a password the user changes themself ends their other sessions too', async () => {
    const u = await world.resident(community.id);
    const second = await world.login(u.username, u.password);
    const changed = await t
      .http()
      .post(`/api/v1/users/${u.id}/password`)
      .set('Authorization', `Bearer ${u.token}`)
      .send({ password: 'my-own-new-pass' });
    expect(changed.status).toBe(204);
    expect((await as(second).me()).status).toBe(401);
    expect((await as(u.token).me()).status).toBe(401);
    expect((await as(await world.login(u.username, 'my-own-new-pass')).me()).status).toBe(200);
  });

  it('a change of roles: old tokens 401 everywhere; a fresh token carries the new roles', async () => {
    const u = await world.staff(community.id);
    const patched = await manage(`PATCH /users/${u.id}`, { roles: ['grid_worker'] });
    expect([patched.status, patched.body.roles]).toEqual([200, ['grid_worker']]);
    expect(await notRefused(u.token)).toEqual([]);
    const fresh = await login(u.username, u.password);
    expect(fresh.body.user.roles).toEqual(['grid_worker']);
    expect(await refused(fresh.body.accessToken)).toEqual([]);
    // A change of name only keeps the sessions (and shows at once).
    const renamed = await manage(`PATCH /users/${u.id}`, { displayName: '周小敏' });
    expect(renamed.status).toBe(200);
    const me = await as(fresh.body.accessToken).me();
    expect([me.status, me.body.displayName]).toEqual([200, '周小敏']);
  });

  it('a well-signed token naming a user that does not exist: 401 everywhere', async () => {
    const claims = new JwtService().decode(admin.token) as Record<string, unknown>;
    const { iat: _i, exp: _e, ...rest } = claims;
    const ghost = t.app.get(JwtService).sign({ ...rest, sub: randomUUID(), usr: 'ghost' });
    expect(await notRefused(ghost)).toEqual([]);
    // The control: the same claims for the real user pass.
    expect((await as(t.app.get(JwtService).sign(rest)).me()).status).toBe(200);
  });
});
