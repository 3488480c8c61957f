import { parse } from 'csv-parse/sync';
import { earningYearOf, yearRange } from '../../src/earning/earning-period';
import { TestApp, waitFor } from './harness';
import { pdfText } from './pdf';
import type { User, World } from './world';

/** supertest: keep the body as raw bytes (CSV, PNG, PDF). */
const binary = (
  res: NodeJS.ReadableStream & { setEncoding?: unknown },
  done: (e: Error | null, b: Buffer) => void,
) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
  res.on('error', (e: Error) => done(e, Buffer.alloc(0)));
};

/** This earning year as `{from, to}` ISO strings: every transfer a test makes now falls inside it. */
export function thisYear(): { from: string; to: string } {
  const r = yearRange(earningYearOf());
  return { from: r.from.toISOString(), to: r.to.toISOString() };
}

/** Yuan to fen. */
export const yuan = (y: number) => Math.round(y * 100);

/**
 * Funding helpers that read like the domain: `await funding.cash(staff, c.id, 'social_donation', yuan(6000))`,
 * `await funding.expense(staff, c.id, { amountFen, purpose })`, `await funding.report(officer, street.id)`.
 */
export class Funding {
  constructor(
    readonly t: TestApp,
    readonly world: World,
  ) {}

  private post(user: User, path: string, body: unknown, key?: string) {
    const req = this.t.http().post(`/api/v1${path}`).set('Authorization', `Bearer ${user.token}`);
    if (key) req.set('Idempotency-Key', key);
    return req.send(body as object);
  }

  get(user: User, path: string) {
    return this.t.http().get(`/api/v1${path}`).set('Authorization', `Bearer ${user.token}`);
  }

  /** GET with the body kept as bytes. */
  bytes(user: User, path: string) {
    return this.get(user, path)
      .buffer(true)
      .parse(binary as never);
  }

  donate(user: User, body: Record<string, unknown>, key?: string) {
    return this.post(user, '/donations', body, key);
  }

  /** A cash donation (fails the test on anything but 201). */
  async cash(
    user: User,
    communityId: string,
    source: string,
    amountFen: number,
    donor: Record<string, string> = { name: '爱心人士' },
  ): Promise<any> {
    const res = await this.donate(user, {
      donor,
      source,
      kind: 'cash',
      amountFen,
      communityId,
      receivedAt: new Date().toISOString(),
    });
    if (res.status !== 201) throw new Error(`donation: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** In-kind goods restocking listings as lots (fails the test on anything but 201). */
  async goods(
    user: User,
    communityId: string,
    items: Array<{ listingId: string; quantity: number; unitValueFen: number }>,
    donor: Record<string, string>,
    receivedAt = new Date().toISOString(),
  ): Promise<any> {
    const res = await this.donate(user, {
      donor,
      source: 'merchant',
      kind: 'in_kind',
      items,
      communityId,
      receivedAt,
    });
    if (res.status !== 201) throw new Error(`donation: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  expense(user: User, communityId: string, body: Record<string, unknown>, key?: string) {
    return this.post(user, `/communities/${communityId}/expenses`, body, key);
  }

  async funds(user: User, communityId: string): Promise<any> {
    const res = await this.get(user, `/communities/${communityId}/funds`);
    if (res.status !== 200) throw new Error(`funds: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  trace(user: User, donationId: string) {
    return this.get(user, `/donations/${donationId}/trace`);
  }

  profile(user: User, communityId: string, body: Record<string, unknown>) {
    return this.t
      .http()
      .patch(`/api/v1/communities/${communityId}/profile`)
      .set('Authorization', `Bearer ${user.token}`)
      .send(body);
  }

  requestReport(user: User, body: Record<string, unknown>, key?: string) {
    return this.post(user, '/funding-reports', body, key);
  }

  /** Requests a report for this year and waits until the worker has built it. */
  async report(user: User, regionId: string, period = thisYear()): Promise<any> {
    const res = await this.requestReport(user, { regionId, ...period });
    if (res.status !== 202) throw new Error(`report: ${res.status} ${JSON.stringify(res.body)}`);
    return this.ready(user, res.body.id);
  }

  /** Polls the report until its newest version is built. */
  async ready(user: User, id: string): Promise<any> {
    const res = await waitFor(
      () => this.get(user, `/funding-reports/${id}`),
      (r) =>
        r.status !== 200 ||
        r.body.status === 'failed' ||
        (r.body.status === 'ready' && r.body.version === r.body.latestVersion),
      { timeoutMs: 30_000, what: `funding report ${id} ready` },
    );
    if (res.status !== 200 || res.body.status !== 'ready')
      throw new Error(`report ${id}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  submit(user: User, id: string, comment?: string) {
    return this.post(user, `/funding-reports/${id}/submit`, comment ? { comment } : {});
  }

  review(user: User, id: string, decision: 'approve' | 'return', comment?: string) {
    return this.post(user, `/funding-reports/${id}/review`, { decision, ...(comment ? { comment } : {}) });
  }

  regenerate(user: User, id: string) {
    return this.post(user, `/funding-reports/${id}/regenerate`, {});
  }

  /** The CSV parsed back (BOM removed by the parser), one object per row keyed by the header. */
  parseCsv(bytes: Buffer): Array<Record<string, string>> {
    return parse(bytes, { bom: true, columns: true, skip_empty_lines: true });
  }

  /** The PDF's text layer, as `pdftotext` (poppler-utils) reads it. */
  pdfText(bytes: Buffer): string {
    return pdfText(bytes);
  }

  /** The figures of one community in a report body. */
  community(report: any, regionId: string): any {
    const c = report.communities.find((x: { regionId: string }) => x.regionId === regionId);
    if (!c) throw new Error(`community ${regionId} is not in the report`);
    return c;
  }
}
