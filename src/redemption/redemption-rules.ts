// Pure rules of redemption: what a scan finds, the offline allowance, batch checks and report
// periods. No I/O here, so the online scan, the offline batch and the unit tests share them.
import type { FieldProblem } from '../common/validation';
import type { OrderStatus } from '../orders/order-state-machine';
import type { DisputeKind } from './entities/redemption-dispute.entity';

/** Device and scan ids: what a scanner may send as its own identifiers. */
export const DEVICE_ID_RE = /^[A-Za-z0-9._:-]{1,100}$/;

/** At most this many scans in one offline batch. */
export const MAX_BATCH_SCANS = 500;

/** A device's clock may run ahead of the server's by this much (a scan "in the future" beyond it is refused). */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/** Local time of the product (China Standard Time, UTC+8): settlement days are local days. */
export const LOCAL_OFFSET_MS = 8 * 3_600_000;

export interface AllowanceLimits {
  maxScans: number;
  maxPoints: number;
}

export const DEFAULT_ALLOWANCE = { maxScans: 50, maxPoints: 5000, bundleTtlSeconds: 86_400 } as const;

export type VoucherProblem =
  'ALREADY_REDEEMED' | 'VOUCHER_CANCELLED' | 'VOUCHER_EXPIRED' | 'VOUCHER_NOT_READY';

export type Verdict = { ok: true } | { ok: false; code: VoucherProblem; dispute: DisputeKind | null };

/**
 * What a scan made at `at` finds: a `ready` order redeems while `at` is before its deadline. An
 * offline scan passes the time it was made, so a voucher shown in time is honoured after the deadline
 * as long as the order is still `ready`. `dispute` is what an offline scan that already happened
 * becomes when the order cannot be captured.
 */
export function judgeVoucher(order: { status: OrderStatus; expiresAt: Date }, at: Date): Verdict {
  switch (order.status) {
    case 'ready':
      return at.getTime() < order.expiresAt.getTime()
        ? { ok: true }
        : { ok: false, code: 'VOUCHER_EXPIRED', dispute: 'expired' };
    case 'redeemed':
      return { ok: false, code: 'ALREADY_REDEEMED', dispute: 'already_redeemed' };
    case 'cancelled':
    case 'failed':
      return { ok: false, code: 'VOUCHER_CANCELLED', dispute: 'cancelled' };
    case 'expired':
      return { ok: false, code: 'VOUCHER_EXPIRED', dispute: 'expired' };
    default:
      return { ok: false, code: 'VOUCHER_NOT_READY', dispute: null };
  }
}

/**
 * Counts what a batch accepts against the organisation's allowance. `exceeds` says whether one more
 * accepted scan of `points` would go past it; `add` records it once the scan is committed.
 */
export class AllowanceMeter {
  private scans = 0;
  private points = 0;

  constructor(private readonly limits: AllowanceLimits) {}

  exceeds(points: number): boolean {
    return this.scans + 1 > this.limits.maxScans || this.points + points > this.limits.maxPoints;
  }

  add(points: number): void {
    this.scans += 1;
    this.points += points;
  }
}

/** Indexes of the scans in the order they were made (scannedAt, then position in the batch). */
export function processingOrder(scans: ReadonlyArray<{ scannedAt: string }>): number[] {
  return scans
    .map((s, i) => ({ i, t: Date.parse(s.scannedAt) }))
    .sort((a, b) => a.t - b.t || a.i - b.i)
    .map((x) => x.i);
}

/** Problems with the scans' times: unreadable, or later than `now` plus the allowed clock skew. */
export function scanTimeProblems(
  scans: ReadonlyArray<{ scannedAt: string }>,
  now: Date,
  maxSkewMs = MAX_CLOCK_SKEW_MS,
): FieldProblem[] {
  const out: FieldProblem[] = [];
  scans.forEach((s, i) => {
    const t = Date.parse(s.scannedAt);
    if (Number.isNaN(t)) out.push({ field: `scans[${i}].scannedAt`, problems: ['must be an ISO-8601 time'] });
    else if (t > now.getTime() + maxSkewMs)
      out.push({
        field: `scans[${i}].scannedAt`,
        problems: [`must not be more than ${Math.round(maxSkewMs / 60_000)} minutes in the future`],
      });
  });
  return out;
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The start of a local (UTC+8) calendar day given as `YYYY-MM-DD`, as a UTC instant. */
export function localDayStart(day: string): Date {
  const m = DATE_ONLY.exec(day);
  if (!m) throw new Error(`not a date: ${day}`);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - LOCAL_OFFSET_MS);
}

/** The local (UTC+8) calendar day of an instant, `YYYY-MM-DD`. */
export function localDay(at: Date): string {
  return new Date(at.getTime() + LOCAL_OFFSET_MS).toISOString().slice(0, 10);
}

export interface Period {
  from: Date;
  to: Date;
}

/**
 * A half-open period `[from, to)` from query values. A date (`2026-11-01`) is a local day: `from`
 * starts it and `to` includes it (the period ends when the next local day starts); a full ISO time is
 * taken as it is. Missing bounds default to the `defaultDays` before `to` and to `now`.
 * Returns field problems instead of throwing, so the caller answers one VALIDATION_FAILED.
 */
export function periodOf(
  q: { from?: string; to?: string },
  now: Date,
  opts: { defaultDays?: number; maxDays?: number } = {},
): { period: Period } | { problems: FieldProblem[] } {
  const parse = (v: string, end: boolean): Date | null => {
    if (DATE_ONLY.test(v)) {
      const start = localDayStart(v);
      if (Number.isNaN(start.getTime())) return null;
      return end ? new Date(start.getTime() + 86_400_000) : start;
    }
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : new Date(t);
  };
  const problems: FieldProblem[] = [];
  const to = q.to !== undefined ? parse(q.to, true) : now;
  if (!to) problems.push({ field: 'to', problems: ['must be an ISO-8601 date or time'] });
  const days = opts.defaultDays ?? 30;
  const from =
    q.from !== undefined ? parse(q.from, false) : to ? new Date(to.getTime() - days * 86_400_000) : null;
  if (!from && q.from !== undefined)
    problems.push({ field: 'from', problems: ['must be an ISO-8601 date or time'] });
  if (from && to && from.getTime() >= to.getTime())
    problems.push({ field: 'from', problems: ['must be before to'] });
  if (from && to && opts.maxDays && to.getTime() - from.getTime() > opts.maxDays * 86_400_000)
    problems.push({ field: 'to', problems: [`the period may span at most ${opts.maxDays} days`] });
  if (problems.length || !from || !to) return { problems };
  return { period: { from, to } };
}
