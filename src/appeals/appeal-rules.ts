import type { NoticeInput } from '../notices/notices.service';

/** The rules of appeals that need no statement. */

/** A deduction may be appealed for this many days after it was made. */
export const APPEAL_WINDOW_DAYS = 30;

export const DECISIONS = ['uphold', 'reject'] as const;
export type Decision = (typeof DECISIONS)[number];

/** Whether a deduction made at `deductedAt` may still be appealed at `now`. */
export const appealWindowOpen = (deductedAt: Date, now: Date): boolean =>
  now.getTime() - deductedAt.getTime() <= APPEAL_WINDOW_DAYS * 24 * 3600_000;

/** The end of a deduction's appeal window. */
export const appealWindowEnd = (deductedAt: Date): Date =>
  new Date(deductedAt.getTime() + APPEAL_WINDOW_DAYS * 24 * 3600_000);

/** The decision's notice (公示): the resident's name masked. */
export const decisionNotice = (
  a: { id: string; communityId: string; ruleName: string; points: number },
  decision: Decision,
  maskedName: string,
): NoticeInput => ({
  communityId: a.communityId,
  kind: 'appeal_decision',
  summary:
    `${maskedName} 对「${a.ruleName}」扣 ${a.points} 分的申诉：` +
    (decision === 'uphold' ? `成立，退回 ${a.points} 分` : '不成立，维持原扣分'),
  refType: 'appeal',
  refId: a.id,
});
