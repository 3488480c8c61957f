import { randomBytes } from 'node:crypto';
import type { Role } from '../../src/common/actor';
import type { TestApp } from './harness';
import type { Region, User, World } from './world';

const uniq = () => randomBytes(3).toString('hex');

export type ListingBody = Record<string, unknown>;

/** A city with one district, two streets, two communities on street A and one on street B. */
export interface TestCity {
  city: Region;
  district: Region;
  streetA: Region;
  streetB: Region;
  a1: Region;
  a2: Region;
  b1: Region;
}

const PARTNER_ROLE: Record<string, Role> = {
  merchant: 'merchant_staff',
  hospital: 'hospital_staff',
  canteen: 'canteen_staff',
  community: 'community_staff',
};

/** Catalog helpers that read like the domain: `await mall.provider('merchant', a1.id)`, `await mall.create(staff, body)`. */
export class Mall {
  constructor(
    readonly t: TestApp,
    readonly world: World,
  ) {}

  async city(name = `市${uniq()}`): Promise<TestCity> {
    const w = this.world;
    const city = await w.region(name, 'city');
    const district = await w.region(`区${uniq()}`, 'district', city.id);
    const streetA = await w.region(`街道A${uniq()}`, 'street', district.id);
    const streetB = await w.region(`街道B${uniq()}`, 'street', district.id);
    const a1 = await w.region(`社区A1${uniq()}`, 'community', streetA.id);
    const a2 = await w.region(`社区A2${uniq()}`, 'community', streetA.id);
    const b1 = await w.region(`社区B1${uniq()}`, 'community', streetB.id);
    return { city, district, streetA, streetB, a1, a2, b1 };
  }

  /** An organisation of `type` in `regionId` and one of its staff (with the matching role). */
  async provider(
    type: 'merchant' | 'hospital' | 'canteen' | 'community',
    regionId: string,
    name = `${type}${uniq()}`,
  ): Promise<{ org: { id: string; name: string; type: string; regionId: string }; staff: User }> {
    const org = await this.world.organization(name, type, regionId);
    const staff = await this.world.user([PARTNER_ROLE[type]], regionId, { organizationId: org.id });
    return { org, staff };
  }

  /** A valid POST /listings body scoped to `regionId`; `overrides` replace (or, with undefined, drop) fields. */
  body(regionId: string, overrides: ListingBody = {}): ListingBody {
    const body: ListingBody = {
      kind: 'goods',
      title: `大米 5kg ${uniq()}`,
      description: '东北大米,每袋 5 公斤',
      pointsPrice: 50,
      stock: 10,
      scope: { regionId },
      redeemWithinDays: 30,
      ...overrides,
    };
    for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
    return body;
  }

  post(user: User, body: ListingBody) {
    return this.t.http().post('/api/v1/listings').set('Authorization', `Bearer ${user.token}`).send(body);
  }

  /** Creates a listing and returns it (fails the test on anything but 201). */
  async create(user: User, regionId: string, overrides: ListingBody = {}): Promise<any> {
    const res = await this.post(user, this.body(regionId, overrides));
    if (res.status !== 201) throw new Error(`create listing: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  get(user: User, id: string) {
    return this.t.http().get(`/api/v1/listings/${id}`).set('Authorization', `Bearer ${user.token}`);
  }

  list(user: User, query: Record<string, string | number | boolean> = {}) {
    return this.t.http().get('/api/v1/listings').query(query).set('Authorization', `Bearer ${user.token}`);
  }

  /** Ids of every listing the user gets, walking all pages. */
  async listIds(user: User, query: Record<string, string | number | boolean> = {}): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 1000; page++) {
      const res = await this.list(user, { limit: 100, ...query, ...(cursor ? { cursor } : {}) });
      if (res.status !== 200) throw new Error(`list listings: ${res.status} ${JSON.stringify(res.body)}`);
      ids.push(...res.body.items.map((i: { id: string }) => i.id));
      cursor = res.body.nextCursor;
      if (!cursor) return ids;
    }
    throw new Error('list listings: more than 1000 pages');
  }

  patch(user: User, id: string, body: ListingBody) {
    return this.t
      .http()
      .patch(`/api/v1/listings/${id}`)
      .set('Authorization', `Bearer ${user.token}`)
      .send(body);
  }

  restock(user: User, id: string, quantity: unknown) {
    return this.t
      .http()
      .post(`/api/v1/listings/${id}/restock`)
      .set('Authorization', `Bearer ${user.token}`)
      .send({ quantity });
  }

  action(user: User, id: string, action: 'publish' | 'unpublish') {
    return this.t
      .http()
      .post(`/api/v1/listings/${id}/${action}`)
      .set('Authorization', `Bearer ${user.token}`)
      .send();
  }

  /** The row as stored (snake_case columns). */
  async row(id: string): Promise<Record<string, any> | undefined> {
    const [row] = await this.t.sql('SELECT * FROM listings WHERE id = ?', [id]);
    return row;
  }

  async stock(id: string): Promise<number | null> {
    const row = await this.row(id);
    return row?.stock === null || row?.stock === undefined ? null : Number(row.stock);
  }

  async count(): Promise<number> {
    const [row] = await this.t.sql<{ n: number | string }>('SELECT COUNT(*) AS n FROM listings');
    return Number(row.n);
  }
}
