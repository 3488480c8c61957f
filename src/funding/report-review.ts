/** Build states of a report version: the worker moves queued → building → ready | failed. */
export const REPORT_BUILD_STATUSES = ['queued', 'building', 'ready', 'failed'] as const;
export type ReportBuildStatus = (typeof REPORT_BUILD_STATUSES)[number];

/** Review states: draft → submitted → approved | returned (with a comment) → submitted again. */
export const REVIEW_STATUSES = ['draft', 'submitted', 'approved', 'returned'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

export const REVIEW_ACTIONS = ['submit', 'resubmit', 'approve', 'return'] as const;
export type ReviewAction = (typeof REVIEW_ACTIONS)[number];

/** Every allowed review step, in one place: from which states, to which state. */
export const REVIEW_TRANSITIONS: Readonly<
  Record<ReviewAction, { from: readonly ReviewStatus[]; to: ReviewStatus }>
> = Object.freeze({
  submit: { from: ['draft'], to: 'submitted' },
  resubmit: { from: ['returned'], to: 'submitted' },
  approve: { from: ['submitted'], to: 'approved' },
  return: { from: ['submitted'], to: 'returned' },
});

/** The action that submits a report in `status` (first time or after a return), or null. */
export function submitActionFor(status: ReviewStatus): 'submit' | 'resubmit' | null {
  if (REVIEW_TRANSITIONS.submit.from.includes(status)) return 'submit';
  if (REVIEW_TRANSITIONS.resubmit.from.includes(status)) return 'resubmit';
  return null;
}

export const canReview = (action: ReviewAction, status: ReviewStatus): boolean =>
  REVIEW_TRANSITIONS[action].from.includes(status);

/** Figures may be rebuilt (a new version) only while nobody is looking at them: draft or returned. */
export const canRegenerate = (status: ReviewStatus): boolean => status === 'draft' || status === 'returned';

export const REVIEW_LABELS: Record<ReviewStatus, string> = {
  draft: '草稿',
  submitted: '已提交',
  approved: '已通过',
  returned: '已退回',
};

export const ACTION_LABELS: Record<ReviewAction, string> = {
  submit: '提交',
  resubmit: '重新提交',
  approve: '审核通过',
  return: '退回修改',
};
