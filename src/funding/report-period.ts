import { EARNING_UTC_OFFSET_HOURS } from '../earning/earning-period';

/**
 * Funding reports and donations read dates on China's calendar, like the rest of the points system:
 * Asia/Shanghai, UTC+8 all year (no daylight saving since 1991).
 */
export const REPORT_TIME_ZONE = 'Asia/Shanghai';
const OFFSET_MS = EARNING_UTC_OFFSET_HOURS * 3_600_000;
const DAY_MS = 86_400_000;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The rule, as the API documentation and the error messages say it. */
export const PERIOD_RULE =
  'the period is [from, to): from included, to excluded; a bare date (2026-01-01) is the start of that day in Asia/Shanghai (UTC+8), a date-time carries its own zone';

/**
 * A bare date (`2026-01-01`) is the moment that day starts in Asia/Shanghai (2025-12-31T16:00Z);
 * a date-time with its zone (`2026-01-01T00:30+08:00`, `…Z`) is that moment.
 */
export function instantOf(value: string): Date {
  const m = DATE_ONLY.exec(value);
  if (!m) return new Date(value);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - OFFSET_MS);
}

/** An instant in China time, `YYYY-MM-DD HH:mm`. */
export function timeLabel(iso: string): string {
  return new Date(Date.parse(iso) + OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/**
 * `[from, to)` as people read it. Whole days in China time: "2026-01-01 至 2026-06-30（含）" (the
 * last day named is included; `to` was 2026-07-01). Otherwise the times, `to` excluded:
 * "2026-01-01 00:00 至 2026-01-15 12:00（不含）".
 */
export function periodLabel(from: string, to: string): string {
  const start = Date.parse(from);
  const end = Date.parse(to);
  const midnight = (ms: number) => (ms + OFFSET_MS) % DAY_MS === 0;
  if (midnight(start) && midnight(end)) {
    const day = (ms: number) => new Date(ms + OFFSET_MS).toISOString().slice(0, 10);
    return `${day(start)} 至 ${day(end - DAY_MS)}（含）`;
  }
  return `${timeLabel(from)} 至 ${timeLabel(to)}（不含）`;
}
