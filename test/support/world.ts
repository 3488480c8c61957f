import { randomBytes } from 'node:crypto';
import { Role } from '../../src/common/actor';
import { ADMIN, TestApp } from './harness';

export interface Region {
  id: string;
  name: string;
  kind: string;
}

export interface User {
  id: string;
  username: string;
  password: string;
  token: string;
  roles: Role[];
  regionId: string;
  organizationId?: string;
}

const uniq = () => randomBytes(4).toString('hex');

/**
 * Factories that read like the domain: `await world.community()`, `await world.resident(c)`.
 * Everything goes through the HTTP API as a real client would.
 */
export class World {
  private adminToken?: string;
  private readonly defaultPassword = 'pass-word-123';

  constructor(readonly t: TestApp) {}

  async login(username: string, password: string): Promise<string> {
    const res = await this.t.http().post('/api/v1/auth/login').send({ username, password });
    if (res.status !== 200)
      throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.accessToken;
  }

  async admin(): Promise<string> {
    this.adminToken ??= await this.login(ADMIN.username, ADMIN.password);
    return this.adminToken;
  }

  async region(name: string, kind: string, parentId?: string): Promise<Region> {
    const res = await this.t
      .http()
      .post('/api/v1/regions')
      .set('Authorization', `Bearer ${await this.admin()}`)
      .send({ name, kind, ...(parentId ? { parentId } : {}) });
    if (res.status !== 201) throw new Error(`region ${name}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** A city → district → street → community chain; returns every level. */
  async community(name = `社区${uniq()}`, opts: { cityId?: string; streetId?: string } = {}) {
    let streetId = opts.streetId;
    let cityId = opts.cityId;
    if (!streetId) {
      cityId ??= (await this.region(`市${uniq()}`, 'city')).id;
      const district = await this.region(`区${uniq()}`, 'district', cityId);
      streetId = (await this.region(`街道${uniq()}`, 'street', district.id)).id;
    }
    const community = await this.region(name, 'community', streetId);
    return { ...community, streetId, cityId };
  }

  async organization(
    name: string,
    type: string,
    regionId: string,
  ): Promise<{ id: string; name: string; type: string; regionId: string }> {
    const res = await this.t
      .http()
      .post('/api/v1/organizations')
      .set('Authorization', `Bearer ${await this.admin()}`)
      .send({ name, type, regionId });
    if (res.status !== 201)
      throw new Error(`organization ${name}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async user(
    roles: Role[],
    regionId: string,
    extra: { organizationId?: string; displayName?: string; birthDate?: string; householdNo?: string } = {},
  ): Promise<User> {
    const username = `${roles[0].replace(/_/g, '')}${uniq()}`;
    const res = await this.t
      .http()
      .post('/api/v1/users')
      .set('Authorization', `Bearer ${await this.admin()}`)
      .send({
        username,
        password: this.defaultPassword,
        displayName: extra.displayName ?? '张小红',
        roles,
        regionId,
        ...extra,
      });
    if (res.status !== 201) throw new Error(`user ${username}: ${res.status} ${JSON.stringify(res.body)}`);
    const token = await this.login(username, this.defaultPassword);
    return {
      id: res.body.id,
      username,
      password: this.defaultPassword,
      token,
      roles,
      regionId,
      organizationId: extra.organizationId,
    };
  }

  resident(
    communityId: string,
    extra: { displayName?: string; birthDate?: string; householdNo?: string } = {},
  ): Promise<User> {
    return this.user(['resident'], communityId, extra);
  }

  communityAdmin(communityId: string): Promise<User> {
    return this.user(['community_admin'], communityId);
  }

  staff(communityId: string): Promise<User> {
    return this.user(['community_staff'], communityId);
  }

  gridWorker(communityId: string): Promise<User> {
    return this.user(['grid_worker'], communityId);
  }

  /** Rows in a table, optionally filtered (for "nothing was written" checks). */
  async count(table: string, where = '1 = 1', params: unknown[] = []): Promise<number> {
    const [row] = await this.t.sql<{ n: number | string }>(
      `SELECT COUNT(*) AS n FROM \`${table}\` WHERE ${where}`,
      params,
    );
    return Number(row.n);
  }

  /** POST /communities/:id/residents/import with a CSV register (a string or raw bytes). */
  importResidents(communityId: string, csv: string | Buffer, token: string) {
    return this.t
      .http()
      .post(`/api/v1/communities/${communityId}/residents/import`)
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'text/csv; charset=utf-8')
      .send(csv);
  }

  /** The residents of a community as stored (username, display name, household). */
  residentsOf(
    communityId: string,
  ): Promise<Array<{ id: string; username: string; display_name: string; household_no: string | null }>> {
    return this.t.sql(
      `SELECT id, username, display_name, household_no FROM users
        WHERE region_id = ? AND FIND_IN_SET('resident', roles) ORDER BY username`,
      [communityId],
    );
  }
}
