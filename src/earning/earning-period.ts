/**
 * The calendar year of the points system is China's (UTC+8, no daylight saving): an award given at
 * 07:00 on 1 January in Anhui counts for the new year although it is still 31 December in UTC.
 * Every "year" of earning (credit levels, rankings, boards) goes through these helpers.
 */
export const EARNING_UTC_OFFSET_HOURS = 8;
const OFFSET_MS = EARNING_UTC_OFFSET_HOURS * 3600_000;

/** The earning year a moment belongs to. */
export function earningYearOf(at: Date = new Date()): number {
  return new Date(at.getTime() + OFFSET_MS).getUTCFullYear();
}

/** [from, to) in UTC of an earning year. */
export function yearRange(year: number): { from: Date; to: Date } {
  return {
    from: new Date(Date.UTC(year, 0, 1) - OFFSET_MS),
    to: new Date(Date.UTC(year + 1, 0, 1) - OFFSET_MS),
  };
}

/** [from, to) in UTC of a month (1-12) of an earning year. */
export function monthRange(year: number, month: number): { from: Date; to: Date } {
  return {
    from: new Date(Date.UTC(year, month - 1, 1) - OFFSET_MS),
    to: new Date(Date.UTC(year, month, 1) - OFFSET_MS),
  };
}
