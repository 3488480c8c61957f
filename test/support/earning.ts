import { randomBytes, randomUUID } from 'node:crypto';
import type { TestApp } from './harness';
import type { User, World } from './world';

const uniq = () => randomBytes(3).toString('hex');

export interface RuleBook {
  governance: string;
  greenery: string;
  /** 认领树木/植树护绿 +2 */
  treePlanting: string;
  /** 毁绿种菜 -3 */
  vegetablesOnGreen: string;
  /** 文明楼道 +3 */
  civilisedStairwell: string;
  /** 非遗核雕/剪纸课堂 +30 */
  heritageCraft: string;
}

/**
 * Earning helpers that read like the domain: `await earning.ruleBook(admin, c.id)`,
 * `await earning.award(staff, alice, book.treePlanting)`, `await earning.credit(alice)`.
 */
export class Earning {
  constructor(
    readonly t: TestApp,
    readonly world: World,
  ) {}

  private as(user: User | string) {
    const token = typeof user === 'string' ? user : user.token;
    const http = this.t.http();
    return {
      get: (path: string) => http.get(`/api/v1${path}`).set('Authorization', `Bearer ${token}`),
      post: (path: string, body: object = {}, key?: string) => {
        const req = this.t.http().post(`/api/v1${path}`).set('Authorization', `Bearer ${token}`);
        if (key) req.set('Idempotency-Key', key);
        return req.send(body);
      },
      put: (path: string, body: object) =>
        this.t.http().put(`/api/v1${path}`).set('Authorization', `Bearer ${token}`).send(body),
      patch: (path: string, body: object) =>
        this.t.http().patch(`/api/v1${path}`).set('Authorization', `Bearer ${token}`).send(body),
      delete: (path: string) =>
        this.t.http().delete(`/api/v1${path}`).set('Authorization', `Bearer ${token}`),
    };
  }

  api(user: User | string) {
    return this.as(user);
  }

  /** POST /communities/:id/point-rules; fails the test on anything but 201. */
  async rule(admin: User, communityId: string, body: Record<string, unknown>): Promise<any> {
    const res = await this.as(admin).post(`/communities/${communityId}/point-rules`, body);
    if (res.status !== 201)
      throw new Error(`rule ${JSON.stringify(body)}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** An item of `points` under a fresh indicator (for arithmetic-driven tests). */
  async item(
    admin: User,
    communityId: string,
    points: number,
    name = `项目${points}-${uniq()}`,
  ): Promise<string> {
    return (await this.rule(admin, communityId, { kind: 'item', name, points, category: 'test' })).id;
  }

  /** The seed's items under two first-level indicators. */
  async ruleBook(admin: User, communityId: string): Promise<RuleBook> {
    const governance = (await this.rule(admin, communityId, { kind: 'indicator', name: '基层治理' })).id;
    const greenery = (
      await this.rule(admin, communityId, { kind: 'indicator', name: '生态环境', parentId: governance })
    ).id;
    const item = async (name: string, points: number, parentId: string, category: string) =>
      (await this.rule(admin, communityId, { kind: 'item', name, points, parentId, category })).id;
    return {
      governance,
      greenery,
      treePlanting: await item('认领树木/植树护绿', 2, greenery, '生态环境'),
      vegetablesOnGreen: await item('毁绿种菜', -3, greenery, '生态环境'),
      civilisedStairwell: await item('文明楼道', 3, governance, '文明新风'),
      heritageCraft: await item('非遗核雕/剪纸课堂', 30, governance, '文明新风'),
    };
  }

  awardReq(staff: User, resident: User | string, ruleId: string, key?: string, note?: string) {
    const residentId = typeof resident === 'string' ? resident : resident.id;
    return this.as(staff).post('/awards', { residentId, ruleId, ...(note ? { note } : {}) }, key);
  }

  /**
   * POST /awards with an Idempotency-Key of its own (one per confirmation, as the web app sends),
   * so that two calls are two awards; fails the test on anything but 201.
   */
  async award(staff: User, resident: User | string, ruleId: string): Promise<any> {
    const res = await this.awardReq(staff, resident, ruleId, `test-award-${randomUUID()}`);
    if (res.status !== 201) throw new Error(`award: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  declareReq(
    user: User,
    ruleId: string,
    extra: { residentId?: string; note?: string; occurredAt?: string } = {},
  ) {
    return this.as(user).post('/declarations', {
      ruleId,
      occurredAt: extra.occurredAt ?? new Date(Date.now() - 3600_000).toISOString(),
      note: extra.note ?? '在小区里帮忙修剪绿化',
      ...(extra.residentId ? { residentId: extra.residentId } : {}),
    });
  }

  async declare(
    user: User,
    ruleId: string,
    extra: { residentId?: string; note?: string } = {},
  ): Promise<any> {
    const res = await this.declareReq(user, ruleId, extra);
    if (res.status !== 201) throw new Error(`declare: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async credit(viewer: User, residentId?: string): Promise<any> {
    const res = await this.as(viewer).get(`/residents/${residentId ?? viewer.id}/credit`);
    if (res.status !== 200) throw new Error(`credit: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** The wallet as the ledger holds it: balance (posted) and available (minus holds). */
  async wallet(residentId: string): Promise<{ balance: number; available: number }> {
    const [row] = await this.t.sql(
      `SELECT credits_posted - debits_posted AS balance, credits_posted - debits_posted - debits_pending AS available
         FROM accounts WHERE kind = 'wallet' AND owner_type = 'user' AND owner_id = ?`,
      [residentId],
    );
    return { balance: Number(row?.balance ?? 0), available: Number(row?.available ?? 0) };
  }

  /** Transfers touching a resident's wallet, optionally of one code. */
  async transfersOf(residentId: string, code?: string): Promise<any[]> {
    return this.t.sql(
      `SELECT t.* FROM transfers t JOIN accounts a ON a.id IN (t.debit_account_id, t.credit_account_id)
        WHERE a.kind = 'wallet' AND a.owner_id = ? ${code ? 'AND t.code = ?' : ''} ORDER BY t.created_at, t.id`,
      code ? [residentId, code] : [residentId],
    );
  }

  /** Residents inserted straight into the database (no password), for large communities. */
  async insertResidents(communityId: string, n: number, prefix = `r${uniq()}`): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i += 1000) {
      const chunk = Array.from({ length: Math.min(1000, n - i) }, (_, j) => ({
        id: randomUUID(),
        username: `${prefix}_${i + j}`,
      }));
      await this.t.sql(
        `INSERT INTO users (id, username, display_name, roles, region_id, active) VALUES ${chunk
          .map(() => "(?, ?, ?, 'resident', ?, 1)")
          .join(', ')}`,
        chunk.flatMap((c) => [c.id, c.username, `居民${c.username}`, communityId]),
      );
      ids.push(...chunk.map((c) => c.id));
    }
    return ids;
  }
}
