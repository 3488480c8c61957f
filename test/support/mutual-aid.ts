import { randomUUID } from 'node:crypto';
import type { TestApp } from './harness';
import type { User, World } from './world';

/** A birth date that makes an adult (40 years old) or a minor (15). */
export const ADULT = '1986-05-01';
export const MINOR = new Date(Date.now() - 15 * 365.25 * 24 * 3600_000).toISOString().slice(0, 10);

/**
 * Mutual-aid helpers that read like the domain: `await aid.ask(grandma, { minutes: 60 })`,
 * `await aid.claim(volunteer, id)`, `await aid.timeAccount(volunteer)`.
 */
export class MutualAid {
  constructor(
    readonly t: TestApp,
    readonly world: World,
  ) {}

  api(user: User) {
    const auth = (r: any) => r.set('Authorization', `Bearer ${user.token}`);
    return {
      get: (path: string) => auth(this.t.http().get(`/api/v1${path}`)),
      post: (path: string, body?: object, key?: string) => {
        const req = auth(this.t.http().post(`/api/v1${path}`));
        if (key) req.set('Idempotency-Key', key);
        return body === undefined ? req : req.send(body);
      },
      patch: (path: string, body: object) => auth(this.t.http().patch(`/api/v1${path}`)).send(body),
    };
  }

  askReq(user: User, body: Record<string, unknown> = {}, key?: string) {
    return this.api(user).post(
      '/mutual-aid/requests',
      {
        kind: 'escort_to_hospital',
        description: '陪同去市医院复查',
        wantedAt: new Date(Date.now() + 2 * 24 * 3600_000).toISOString(),
        minutes: 60,
        ...body,
      },
      key,
    );
  }

  async ask(user: User, body: Record<string, unknown> = {}): Promise<any> {
    const res = await this.askReq(user, body, `ask-${randomUUID()}`);
    if (res.status !== 201) throw new Error(`ask: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  step(user: User, id: string, step: 'claim' | 'complete' | 'confirm' | 'cancel', body?: object) {
    return this.api(user).post(`/mutual-aid/requests/${id}/${step}`, body);
  }

  private async ok(user: User, id: string, step: 'claim' | 'complete' | 'confirm' | 'cancel', body?: object) {
    const res = await this.step(user, id, step, body);
    if (res.status !== 200) throw new Error(`${step}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  claim = (u: User, id: string) => this.ok(u, id, 'claim');
  complete = (u: User, id: string, minutes: number) => this.ok(u, id, 'complete', { minutes });
  confirm = (u: User, id: string) => this.ok(u, id, 'confirm');
  cancel = (u: User, id: string) => this.ok(u, id, 'cancel');

  /** Asks, claims, completes and confirms: the volunteer is credited `minutes`. */
  async helped(asker: User, volunteer: User, minutes: number, body: Record<string, unknown> = {}) {
    const r = await this.ask(asker, { minutes: Math.min(minutes, 1440), ...body });
    await this.claim(volunteer, r.id);
    await this.complete(volunteer, r.id, minutes);
    return this.confirm(asker, r.id);
  }

  async timeAccount(user: User): Promise<{ minutes: number; heldMinutes: number; capMinutes: number }> {
    const res = await this.api(user).get('/me/time-account');
    if (res.status !== 200) throw new Error(`time account: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** TIME_MINUTES transfers that name a request (or everything of the ledger). */
  timeTransfers(refId?: string): Promise<Array<{ id: string; code: string; phase: string; amount: number }>> {
    return this.t.sql(
      `SELECT id, code, phase, CAST(amount AS SIGNED) amount FROM transfers
        WHERE ledger = 'TIME_MINUTES' ${refId ? 'AND ref_id = ?' : ''} ORDER BY created_at, id`,
      refId ? [refId] : [],
    );
  }
}
