import type { NoticeInput } from '../notices/notices.service';
import { maskName } from '../common/masking';

/** What earning publishes to a community's notice log (公示), as residents read it: names masked. */

/** An award, a deduction, or the award of an approved declaration. */
export function awardNotice(
  a: { awardId: string; communityId: string; points: number; ruleName: string; declarationId: string | null },
  residentName: string | undefined,
): NoticeInput {
  const who = maskName(residentName);
  if (a.declarationId)
    return {
      communityId: a.communityId,
      kind: 'declaration',
      summary: `${who} 申报「${a.ruleName}」经审核通过，获 ${a.points} 分`,
      refType: 'declaration',
      refId: a.declarationId,
    };
  return {
    communityId: a.communityId,
    kind: a.points > 0 ? 'award' : 'deduction',
    summary:
      a.points > 0
        ? `${who} 因「${a.ruleName}」获 ${a.points} 分`
        : `${who} 因「${a.ruleName}」扣 ${-a.points} 分`,
    refType: 'award',
    refId: a.awardId,
  };
}

/** One notice per base grant run, when it finishes (not one per resident). */
export const baseGrantNotice = (r: {
  runId: string;
  communityId: string;
  year: number;
  points: number;
  granted: number;
}): NoticeInput => ({
  communityId: r.communityId,
  kind: 'base_grant',
  summary: `${r.year} 年度基础分：${r.granted} 位居民各获 ${r.points} 分`,
  refType: 'base_grant',
  refId: r.runId,
});
