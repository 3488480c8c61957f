import { Mall } from './support/catalog';
import { createTestApp, TestApp } from './support/harness';
import { Shop } from './support/orders';
import { World } from './support/world';

describe('GET /residents/:id/credit for hospital and canteen staff: only through the resident’s pass', () => {
  let t: TestApp;
  let world: World;
  let mall: Mall;
  let shop: Shop;

  beforeAll(async () => {
    t = await createTestApp({ role: 'api' });
    world = new World(t);
    mall = new Mall(t, world);
    shop = new Shop(t);
  });
  afterAll(() => t?.close());

  it('answers with the pass, 404 without it or with another resident’s, 400 for an altered one', async () => {
    const city = await mall.city();
    const { staff: doctor } = await mall.provider('hospital', city.a1.id);
    const [alice, bob] = await shop.residents(city.a1.id, 2, 0);
    const pass = await t.http().get('/api/v1/me/pass').set('Authorization', `Bearer ${alice.token}`);
    expect(pass.status).toBe(200);
    const credit = (id: string, passCode?: string) =>
      t
        .http()
        .get(`/api/v1/residents/${id}/credit`)
        .query(passCode ? { passCode } : {})
        .set('Authorization', `Bearer ${doctor.token}`);

    const ok = await credit(alice.id, pass.body.code);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ residentId: alice.id, level: 'NONE' });
    expect((await credit(alice.id)).status).toBe(404);
    expect((await credit(bob.id, pass.body.code)).status).toBe(404);
    const code: string = pass.body.code;
    const altered = code.slice(0, 20) + (code[20] === 'A' ? 'B' : 'A') + code.slice(21);
    const bad = await credit(alice.id, altered);
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('INVALID_CODE');
  });
});
