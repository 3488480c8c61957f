import type { ComputedReport } from './report-figures.service';
import type { ReviewAction, ReviewStatus } from './report-review';

/** One step of the review trail as shown in the API, the CSV and the PDF. */
export interface ReviewTrailEntry {
  id: string;
  version: number;
  action: ReviewAction;
  fromStatus: ReviewStatus;
  toStatus: ReviewStatus;
  actorId: string;
  actorName: string;
  comment: string | null;
  at: string;
}

/** What the CSV, chart and PDF are drawn from: one frozen version and the trail. */
export interface ReportDocument extends ComputedReport {
  reportId: string;
  version: number;
  reviewStatus: ReviewStatus;
  contentHash: string;
  builtAt: string;
  reviews: ReviewTrailEntry[];
}

/** China Standard Time, for the dates people read (the period is stored in UTC). */
const CST_MS = 8 * 3600_000;

/** `[from, to)` as the days a person reads: 2026-01-01 – 2026-12-31 (China time, `to` exclusive). */
export function periodLabel(from: string, to: string): string {
  const day = (ms: number) => new Date(ms + CST_MS).toISOString().slice(0, 10);
  return `${day(Date.parse(from))} 至 ${day(Date.parse(to) - 1)}`;
}

export function timeLabel(iso: string): string {
  return new Date(Date.parse(iso) + CST_MS).toISOString().slice(0, 16).replace('T', ' ');
}
