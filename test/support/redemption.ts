import type { TestCity } from './catalog';
import { Mall } from './catalog';
import { TestApp, waitFor } from './harness';
import { Shop } from './orders';
import type { User, World } from './world';

export interface Voucher {
  orderId: string;
  code: string;
  expiresAt: string;
  resident: User;
}

export interface Scan {
  code: string;
  scannedAt: string;
  scanId: string;
}

/** Tables that a scan may write; `footprint()` counts them to show that a failed scan wrote nothing. */
const WRITTEN_BY_SCANS = [
  'redemptions',
  'transfers',
  'idempotency_keys',
  'notifications',
  'offline_scans',
  'redemption_disputes',
  'outbox',
];

/**
 * Redemption helpers that read like the counter: `const v = await counter.voucher(listing)`,
 * `await counter.redeem(staff, v.code)`, `await counter.batch(staff, 'till-1', scans)`.
 */
export class Counter {
  readonly mall: Mall;
  readonly shop: Shop;

  constructor(
    readonly t: TestApp,
    readonly world: World,
  ) {
    this.mall = new Mall(t, world);
    this.shop = new Shop(t);
  }

  /** A city, a merchant with one of its staff and a listing scoped to community a1. */
  async merchant(overrides: Record<string, unknown> = {}) {
    const city: TestCity = await this.mall.city();
    const { org, staff } = await this.mall.provider('merchant', city.a1.id);
    const listing = await this.mall.create(staff, city.a1.id, { stock: null, pointsPrice: 30, ...overrides });
    return { city, org, staff, listing };
  }

  /** One ready voucher per resident (fresh residents with points when none are given). */
  async vouchers(
    listing: { id: string; pointsPrice: number; scopeRegionId?: string; scope?: { regionId: string } },
    n: number,
    communityId: string,
  ): Promise<Voucher[]> {
    const residents = await this.shop.residents(communityId, n, listing.pointsPrice * 2);
    const placed = await Promise.all(residents.map((r) => this.shop.order(r, listing.id)));
    for (const p of placed)
      if (p.status !== 201) throw new Error(`order: ${p.status} ${JSON.stringify(p.body)}`);
    const ids = placed.map((p) => p.body.id as string);
    await waitFor(
      () => this.t.sql(`SELECT COUNT(*) n FROM orders WHERE id IN (?) AND status = 'ready'`, [ids]),
      (rows) => Number(rows[0].n) === ids.length,
      { timeoutMs: 30_000, what: `${n} orders ready` },
    );
    return Promise.all(
      residents.map(async (resident, i) => {
        const res = await this.t
          .http()
          .get(`/api/v1/orders/${ids[i]}/voucher`)
          .set('Authorization', `Bearer ${resident.token}`);
        if (res.status !== 200) throw new Error(`voucher: ${res.status} ${JSON.stringify(res.body)}`);
        return { orderId: ids[i], code: res.body.code, expiresAt: res.body.expiresAt, resident };
      }),
    );
  }

  async voucher(listing: { id: string; pointsPrice: number }, communityId: string): Promise<Voucher> {
    return (await this.vouchers(listing, 1, communityId))[0];
  }

  redeem(user: User, code: string, opts: { key?: string; deviceId?: string } = {}) {
    const req = this.t.http().post('/api/v1/redemptions').set('Authorization', `Bearer ${user.token}`);
    if (opts.key) req.set('Idempotency-Key', opts.key);
    return req.send({ code, ...(opts.deviceId ? { deviceId: opts.deviceId } : {}) });
  }

  verify(user: User, code: string) {
    return this.t
      .http()
      .get('/api/v1/redemptions/verify')
      .query({ code })
      .set('Authorization', `Bearer ${user.token}`);
  }

  bundle(user: User, deviceId = 'till-1') {
    return this.t
      .http()
      .get('/api/v1/redemptions/offline-bundle')
      .query({ deviceId })
      .set('Authorization', `Bearer ${user.token}`);
  }

  batch(user: User, deviceId: string, scans: Scan[]) {
    return this.t
      .http()
      .post('/api/v1/redemptions/offline-batch')
      .set('Authorization', `Bearer ${user.token}`)
      .send({ deviceId, scans });
  }

  setAllowance(user: User, body: Record<string, unknown>) {
    return this.t
      .http()
      .put('/api/v1/redemptions/offline-allowance')
      .set('Authorization', `Bearer ${user.token}`)
      .send(body);
  }

  disputes(user: User, query: Record<string, string | number> = {}) {
    return this.t
      .http()
      .get('/api/v1/redemptions/disputes')
      .query(query)
      .set('Authorization', `Bearer ${user.token}`);
  }

  resolve(user: User, id: string, body: Record<string, unknown>) {
    return this.t
      .http()
      .post(`/api/v1/redemptions/disputes/${id}/resolve`)
      .set('Authorization', `Bearer ${user.token}`)
      .send(body);
  }

  list(user: User, query: Record<string, string | number> = {}) {
    return this.t.http().get('/api/v1/redemptions').query(query).set('Authorization', `Bearer ${user.token}`);
  }

  settlement(user: User, query: Record<string, string> = {}) {
    return this.t
      .http()
      .get('/api/v1/redemptions/settlement')
      .query(query)
      .set('Authorization', `Bearer ${user.token}`);
  }

  /** POST /redemptions/keys/rotate; `cityId` names the city (the platform administrator must). */
  async rotate(token: string, cityId?: string) {
    return this.t
      .http()
      .post('/api/v1/redemptions/keys/rotate')
      .set('Authorization', `Bearer ${token}`)
      .send(cityId ? { cityId } : {});
  }

  async revoke(token: string, kid: string) {
    return this.t
      .http()
      .post(`/api/v1/redemptions/keys/${kid}/revoke`)
      .set('Authorization', `Bearer ${token}`)
      .send();
  }

  /** Scans of these vouchers as a device would record them, made `agoMs` before now, in order. */
  scans(vouchers: Voucher[], prefix: string, agoMs = 60_000): Scan[] {
    const start = Date.now() - agoMs;
    return vouchers.map((v, i) => ({
      code: v.code,
      scannedAt: new Date(start + i).toISOString(),
      scanId: `${prefix}-${i}`,
    }));
  }

  /** Row counts of every table a scan writes, and a fingerprint of the orders' state. */
  async footprint(): Promise<Record<string, number | string>> {
    const out: Record<string, number | string> = {};
    for (const table of WRITTEN_BY_SCANS) out[table] = await this.world.count(table);
    // Checksums, not GROUP_CONCAT (which the server truncates at group_concat_max_len).
    const [orders] = await this.t.sql(
      `SELECT COUNT(*) n, SUM(CRC32(f)) s, BIT_XOR(CRC32(f)) x FROM (
         SELECT CONCAT_WS(':', id, status, COALESCE(redeemed_by, '-'), updated_at) f FROM orders) o`,
    );
    out.orders = `${orders.n}/${orders.s}/${orders.x}`;
    const [accounts] = await this.t.sql(
      `SELECT COUNT(*) n, SUM(CRC32(f)) s, BIT_XOR(CRC32(f)) x FROM (
         SELECT CONCAT_WS(':', id, debits_pending, debits_posted, credits_pending, credits_posted) f FROM accounts) a`,
    );
    out.accounts = `${accounts.n}/${accounts.s}/${accounts.x}`;
    return out;
  }

  /** The post and void transfers that resolved each order's hold. */
  async resolutions(orderIds: string[]): Promise<Map<string, Array<{ phase: string; amount: number }>>> {
    const rows = await this.t.sql(
      `SELECT o.id order_id, t.phase, t.amount FROM orders o JOIN transfers t ON t.pending_id = o.hold_transfer_id
        WHERE o.id IN (?)`,
      [orderIds],
    );
    const out = new Map<string, Array<{ phase: string; amount: number }>>(orderIds.map((id) => [id, []]));
    for (const r of rows) out.get(r.order_id)!.push({ phase: r.phase, amount: Number(r.amount) });
    return out;
  }

  /** credits_posted of the organisation's redemption account. */
  async captured(organizationId: string): Promise<number> {
    const [row] = await this.t.sql(
      `SELECT credits_posted FROM accounts WHERE kind = 'redemption' AND owner_type = 'organization' AND owner_id = ?`,
      [organizationId],
    );
    return Number(row?.credits_posted ?? 0);
  }
}
