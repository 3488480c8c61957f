import { earningYearOf, EARNING_UTC_OFFSET_HOURS, yearRange } from './earning-period';

/**
 * Points expiry (积分有效期), the rules that need no statement. With `pointsValidYears = N`, points
 * earned in year Y and not spent by the end of year Y + N expire; years are China's (UTC+8).
 * Spending takes the oldest points first, so what is left of the points earned up to a year is what
 * the wallet was credited up to that year's end less everything it has spent, held for open
 * orders, been deducted or seen expire since it opened.
 */

const DAY_MS = 86_400_000;
/** Residents are told this long before their points expire. */
export const EXPIRY_NOTICE_DAYS = 30;
/** How far ahead of today a run may be dated (a year-end run prepared in its last month). */
export const MAX_AS_OF_AHEAD_DAYS = 31;

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `2027-01-01` is the start of that day in China (2026-12-31T16:00Z); a date-time carries its zone. */
export function asOfInstant(value: string): Date {
  const m = DATE_ONLY.exec(value);
  if (!m) return new Date(value);
  return new Date(
    Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - EARNING_UTC_OFFSET_HOURS * 3_600_000,
  );
}

/** The last earning year whose points are due at `asOf`: every year Y with end of Y + N ≤ asOf. */
export function cutYearOf(asOf: Date, validYears: number): number {
  return earningYearOf(asOf) - validYears - 1;
}

/** When the points of `cutYear` expire: the end of year cutYear + N (China time). */
export function expiresAtOf(cutYear: number, validYears: number): Date {
  return yearRange(cutYear + validYears).to;
}

/**
 * Points of a wallet to expire: what it was credited up to the end of the cut year less all it has
 * spent, held, been deducted or seen expire (oldest first); never what open orders hold, never
 * below zero.
 */
export function expirable(creditedUpToCut: number, debitsPosted: number, debitsPending: number): number {
  return Math.max(0, creditedUpToCut - debitsPosted - debitsPending);
}

/**
 * The expiry that residents are told about at `now`: the points of `cutYear` expire at
 * `expiresAt`, the next year end, once it is at most 30 days away; null before that.
 */
export function noticeDue(now: Date, validYears: number): { cutYear: number; expiresAt: Date } | null {
  const expiresAt = yearRange(earningYearOf(now)).to;
  const left = expiresAt.getTime() - now.getTime();
  if (left > EXPIRY_NOTICE_DAYS * DAY_MS || left <= 0) return null;
  return { cutYear: earningYearOf(now) - validYears, expiresAt };
}

/** `YYYY-MM-DD` of an instant in China time. */
export const chinaDate = (at: Date): string =>
  new Date(at.getTime() + EARNING_UTC_OFFSET_HOURS * 3_600_000).toISOString().slice(0, 10);
