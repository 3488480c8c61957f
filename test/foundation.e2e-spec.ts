import { createTestApp, TestApp } from './support/harness';
import { World } from './support/world';

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
  });

  it('logs in the bootstrap admin and answers GET /me', async () => {
    const token = await world.admin();
    const me = await t.http().get('/api/v1/me').set('Authorization', `Bearer ${token}`);
    expect(me.status).toBe(200);
    expect(me.body.roles).toEqual(['city_admin']);
    expect(me.body).not.toHaveProperty('passwordHash');
  });
});
