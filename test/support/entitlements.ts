import type { EntitlementKind } from '../../src/entitlements/entitlement-rules';
import { Mall, TestCity } from './catalog';
import type { TestApp } from './harness';
import { Shop } from './orders';
import type { User, World } from './world';

export interface Counter {
  org: { id: string; name: string };
  staff: User;
}

/**
 * Entitlement helpers that read like the counter: `await perks.pass(alice)`,
 * `await perks.use(canteen.staff, pass.code, 'canteen_meal')`, `await perks.policy(admin, street.id, ...)`.
 * Residents get their points as awards through the real ledger (`Shop.give`, code `award`), so they
 * count as points earned this year.
 */
export class Perks {
  readonly mall: Mall;
  readonly shop: Shop;

  constructor(
    readonly t: TestApp,
    readonly world: World,
  ) {
    this.mall = new Mall(t, world);
    this.shop = new Shop(t);
  }

  private as(user: User | string) {
    const token = typeof user === 'string' ? user : user.token;
    return {
      get: (path: string) => this.t.http().get(`/api/v1${path}`).set('Authorization', `Bearer ${token}`),
      post: (path: string, body: object = {}, key?: string) => {
        const req = this.t.http().post(`/api/v1${path}`).set('Authorization', `Bearer ${token}`);
        if (key) req.set('Idempotency-Key', key);
        return req.send(body);
      },
      put: (path: string, body: object) =>
        this.t.http().put(`/api/v1${path}`).set('Authorization', `Bearer ${token}`).send(body),
      delete: (path: string) =>
        this.t.http().delete(`/api/v1${path}`).set('Authorization', `Bearer ${token}`),
    };
  }

  api(user: User | string) {
    return this.as(user);
  }

  /** A city (two streets, three communities) with a hospital in its district and a canteen in community a1. */
  async city(): Promise<{ city: TestCity; hospital: Counter; canteen: Counter }> {
    const city = await this.mall.city();
    const hospital = await this.mall.provider('hospital', city.district.id);
    const canteen = await this.mall.provider('canteen', city.a1.id);
    return { city, hospital, canteen };
  }

  /** `n` residents of a community who earned `earned` points this year (awards). */
  residents(communityId: string, n: number, earned: number): Promise<User[]> {
    return this.shop.residents(communityId, n, earned);
  }

  async resident(communityId: string, earned: number): Promise<User> {
    return (await this.residents(communityId, 1, earned))[0];
  }

  /** GET /me/pass; fails the test on anything but 200. */
  async pass(resident: User): Promise<{ code: string; expiresAt: string; creditLevel: string }> {
    const res = await this.as(resident).get('/me/pass');
    if (res.status !== 200) throw new Error(`pass: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  verify(staff: User, passCode: string, kind: EntitlementKind, amountFen?: number) {
    return this.as(staff).post('/entitlements/verify', {
      passCode,
      kind,
      ...(amountFen ? { amountFen } : {}),
    });
  }

  use(staff: User, passCode: string, kind: EntitlementKind, amountFen?: number, key?: string) {
    return this.as(staff).post(
      '/entitlements/uses',
      { passCode, kind, ...(amountFen ? { amountFen } : {}) },
      key,
    );
  }

  /** Records a use with a fresh pass; fails the test on anything but 201. */
  async used(staff: User, resident: User, kind: EntitlementKind, amountFen?: number): Promise<any> {
    const res = await this.use(staff, (await this.pass(resident)).code, kind, amountFen);
    if (res.status !== 201) throw new Error(`use ${kind}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  settle(staff: User, useId: string, note?: string) {
    return this.as(staff).post(`/entitlements/uses/${useId}/settle`, note ? { note } : {});
  }

  list(user: User | string, query: Record<string, string> = {}) {
    return this.as(user).get(`/entitlements/uses?${new URLSearchParams(query)}`);
  }

  putPolicy(user: User | string, regionId: string, kind: string, body: object) {
    return this.as(user).put(`/regions/${regionId}/entitlement-policies/${kind}`, body);
  }

  /** PUT a policy; fails the test on anything but 200. */
  async policy(user: User | string, regionId: string, kind: EntitlementKind, body: object): Promise<any> {
    const res = await this.putPolicy(user, regionId, kind, body);
    if (res.status !== 200) throw new Error(`policy: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** The effective policies of a region, by kind. */
  async policies(user: User | string, regionId: string): Promise<Record<string, any>> {
    const res = await this.as(user).get(`/regions/${regionId}/entitlement-policies`);
    if (res.status !== 200) throw new Error(`policies: ${res.status} ${JSON.stringify(res.body)}`);
    return Object.fromEntries(res.body.policies.map((p: { kind: string }) => [p.kind, p]));
  }

  /** The resident's deferred balance row as stored. */
  async balance(residentId: string): Promise<{ outstandingFen: number; overdueCount: number }> {
    const [row] = await this.t.sql(
      'SELECT outstanding_fen, overdue_count FROM entitlement_balances WHERE resident_id = ?',
      [residentId],
    );
    return {
      outstandingFen: Number(row?.outstanding_fen ?? 0),
      overdueCount: Number(row?.overdue_count ?? 0),
    };
  }

  async useStatus(useId: string): Promise<string | undefined> {
    const [row] = await this.t.sql('SELECT status FROM entitlement_uses WHERE id = ?', [useId]);
    return row?.status;
  }
}
