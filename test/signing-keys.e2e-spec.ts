import { createPrivateKey, sign } from 'node:crypto';
import { SecretBox } from '../src/common/secret-box';
import { encodeHeader, parseCode, toText } from '../src/signing/code-format';
import { createTestApp, TestApp } from './support/harness';
import { Counter } from './support/redemption';
import { User, World } from './support/world';

/**
 * Signing keys per city: each city's vouchers and passes are signed with the city's own key chain;
 * a city administrator rotates and revokes their city's keys only (another city's answer 404);
 * every city's codes keep verifying through any city's rotation; a code signed with another
 * city's key is refused.
 */
describe('signing keys per city', () => {
  let t: TestApp;
  let world: World;
  let counter: Counter;
  let one: Awaited<ReturnType<Counter['merchant']>>;
  let two: Awaited<ReturnType<Counter['merchant']>>;
  let admin1: User;
  let admin2: User;

  beforeAll(async () => {
    t = await createTestApp();
    world = new World(t);
    counter = new Counter(t, world);
    one = await counter.merchant({ pointsPrice: 10 });
    two = await counter.merchant({ pointsPrice: 10 });
    admin1 = await world.user(['city_admin'], one.city.city.id);
    admin2 = await world.user(['city_admin'], two.city.city.id);
  });
  afterAll(() => t?.close());

  const keys = (u: User | string) =>
    t
      .http()
      .get('/api/v1/redemptions/keys')
      .set('Authorization', `Bearer ${typeof u === 'string' ? u : u.token}`);
  const kidOf = (code: string) => parseCode(code)!.claims.kid;
  const activeKid = async (cityId: string) =>
    (
      await t.sql<{ kid: string }>('SELECT kid FROM signing_keys WHERE city_id = ? AND active_marker = 1', [
        cityId,
      ])
    )[0]?.kid;

  it('signs each city’s vouchers with the city’s own key and shows each city only its keys', async () => {
    const [v1, v2] = [
      await counter.voucher(one.listing, one.city.a1.id),
      await counter.voucher(two.listing, two.city.a1.id),
    ];
    expect(kidOf(v1.code)).toBe(await activeKid(one.city.city.id));
    expect(kidOf(v2.code)).toBe(await activeKid(two.city.city.id));
    expect(kidOf(v1.code)).not.toBe(kidOf(v2.code));

    const seen1 = (await keys(admin1)).body.map((k: { kid: string }) => k.kid);
    expect(seen1).toContain(kidOf(v1.code));
    expect(seen1).not.toContain(kidOf(v2.code));
    const forScanner = (await keys(one.staff)).body.map((k: { kid: string; cityId: string }) => k.cityId);
    expect(new Set(forScanner.filter(Boolean))).toEqual(new Set([one.city.city.id]));
    const all = (await keys(await world.admin())).body.map((k: { kid: string }) => k.kid);
    expect(all).toEqual(expect.arrayContaining([kidOf(v1.code), kidOf(v2.code)]));
    // A scanner's offline bundle carries its own city's keys.
    const bundle = (await counter.bundle(one.staff)).body.keys.map((k: { kid: string }) => k.kid);
    expect(bundle).toContain(kidOf(v1.code));
    expect(bundle).not.toContain(kidOf(v2.code));
  });

  it('lets a city administrator rotate and revoke only their own city’s keys', async () => {
    const v1 = await counter.voucher(one.listing, one.city.a1.id);
    const v2 = await counter.voucher(two.listing, two.city.a1.id);
    const kid1 = kidOf(v1.code);
    const kid2 = kidOf(v2.code);

    // City 2's administrator cannot touch city 1's chain: another tenant's object is 404.
    const aimed = await counter.rotate(admin2.token, one.city.city.id);
    expect([aimed.status, aimed.body.code]).toEqual([404, 'NOT_FOUND']);
    expect(await activeKid(one.city.city.id)).toBe(kid1);
    const revoke = await counter.revoke(admin2.token, kid1);
    expect([revoke.status, revoke.body.code]).toEqual([404, 'NOT_FOUND']);
    expect((await t.sql('SELECT status FROM signing_keys WHERE kid = ?', [kid1]))[0].status).toBe('active');

    const stale2 = await counter.voucher(two.listing, two.city.a1.id);
    // City 2 rotates its own chain: city 1 signs on with its key, both cities' vouchers redeem.
    const rotated = await counter.rotate(admin2.token);
    expect([rotated.status, rotated.body.cityId]).toEqual([201, two.city.city.id]);
    expect(await activeKid(two.city.city.id)).toBe(rotated.body.kid);
    expect(await activeKid(one.city.city.id)).toBe(kid1);
    expect(kidOf((await counter.voucher(one.listing, one.city.a1.id)).code)).toBe(kid1);
    expect(kidOf((await counter.voucher(two.listing, two.city.a1.id)).code)).toBe(rotated.body.kid);
    expect((await counter.redeem(one.staff, v1.code)).status).toBe(200);
    expect((await counter.redeem(two.staff, v2.code)).status).toBe(200);

    // Revoking city 2's retired key stops its codes; city 1's are untouched.
    const late2 = await counter.voucher(two.listing, two.city.a1.id);
    const older2 = await counter.voucher(one.listing, one.city.a1.id);
    expect((await counter.revoke(admin2.token, kid2)).body.status).toBe('revoked');
    const refused = await counter.redeem(two.staff, stale2.code);
    expect([refused.status, refused.body.code]).toEqual([400, 'INVALID_CODE']);
    expect((await counter.redeem(one.staff, older2.code)).status).toBe(200);
    expect((await counter.redeem(two.staff, late2.code)).status).toBe(200); // signed with the new key
  });

  it('lets the platform administrator rotate the city they name (a city, not another region)', async () => {
    const admin = await world.admin();
    const before = await activeKid(one.city.city.id);
    const rotated = await counter.rotate(admin, one.city.city.id);
    expect([rotated.status, rotated.body.cityId]).toEqual([201, one.city.city.id]);
    expect(await activeKid(one.city.city.id)).not.toBe(before);
    expect((await counter.rotate(admin, one.city.a1.id)).status).toBe(404);
    // A city administrator may name their own city, which is the same as naming none.
    expect((await counter.rotate(admin1.token, one.city.city.id)).status).toBe(201);
  });

  it('refuses a code signed with another city’s key (a leaked key forges nothing elsewhere)', async () => {
    const genuine = await counter.voucher(one.listing, one.city.a1.id);
    const [row] = await t.sql<{ kid: string; private_key_enc: string }>(
      'SELECT kid, private_key_enc FROM signing_keys WHERE city_id = ? AND active_marker = 1',
      [two.city.city.id],
    );
    const box = new SecretBox(t.config.keyEncryptionSecret, 'jifen-signing-keys');
    const key = createPrivateKey({ key: box.open(row.private_key_enc), format: 'der', type: 'pkcs8' });
    const header = encodeHeader({ ...parseCode(genuine.code)!.claims, kid: row.kid });
    const forged = toText(header, sign(null, header, key));
    const res = await counter.redeem(one.staff, forged);
    expect([res.status, res.body.code, res.body.details.reason]).toEqual([
      400,
      'INVALID_CODE',
      'signed with the key of another city',
    ]);
    expect((await counter.redeem(one.staff, genuine.code)).status).toBe(200);
  });
});
