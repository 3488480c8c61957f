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
