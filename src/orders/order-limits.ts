export type LimitPeriod = 'day' | 'month' | 'year';

/** Limits count on the local (China Standard Time) calendar. */
const LOCAL_OFFSET_MS = 8 * 3600 * 1000;

/** The counter key of the period containing `at`: `2026-11-29`, `2026-11` or `2026`. */
export function periodKey(period: LimitPeriod, at: Date): string {
  const local = new Date(at.getTime() + LOCAL_OFFSET_MS).toISOString();
  return period === 'day' ? local.slice(0, 10) : period === 'month' ? local.slice(0, 7) : local.slice(0, 4);
}
