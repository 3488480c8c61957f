export const CREDIT_LEVELS = ['AAA', 'AA', 'A', 'NONE'] as const;
export type CreditLevel = (typeof CREDIT_LEVELS)[number];

/** Minimum points earned in a calendar year for each level. */
export interface CreditThresholds {
  aaa: number;
  aa: number;
  a: number;
}

/** The seed's thresholds: 180 points in a year make an AAA credit household (AAA级信用户). */
export const DEFAULT_CREDIT_THRESHOLDS: Readonly<CreditThresholds> = Object.freeze({
  aaa: 180,
  aa: 120,
  a: 60,
});

export function creditLevelFor(
  earnedPoints: number,
  t: CreditThresholds = DEFAULT_CREDIT_THRESHOLDS,
): CreditLevel {
  if (earnedPoints >= t.aaa) return 'AAA';
  if (earnedPoints >= t.aa) return 'AA';
  if (earnedPoints >= t.a) return 'A';
  return 'NONE';
}

/** Rank of a level, higher is better (for "at least AA" checks). */
export function creditRank(level: CreditLevel): number {
  return CREDIT_LEVELS.length - 1 - CREDIT_LEVELS.indexOf(level);
}

/** The best of these levels (a household's: the best of its members); NONE for none. */
export const bestLevel = (levels: CreditLevel[]): CreditLevel =>
  levels.reduce<CreditLevel>((best, l) => (creditRank(l) > creditRank(best) ? l : best), 'NONE');

export const atLeast = (level: CreditLevel, min: CreditLevel): boolean =>
  creditRank(level) >= creditRank(min);

/** Problems with a set of thresholds (empty when valid): positive integers with aaa > aa > a. */
export function thresholdProblems(t: CreditThresholds): Array<{ field: string; problems: string[] }> {
  const out: Array<{ field: string; problems: string[] }> = [];
  for (const k of ['aaa', 'aa', 'a'] as const) {
    if (!Number.isSafeInteger(t[k]) || t[k] < 1)
      out.push({ field: k, problems: ['must be an integer >= 1'] });
  }
  if (out.length) return out;
  if (!(t.aa < t.aaa)) out.push({ field: 'aa', problems: ['must be below aaa'] });
  if (!(t.a < t.aa)) out.push({ field: 'a', problems: ['must be below aa'] });
  return out;
}

export interface Entitlement {
  kind: string;
  description: string;
  yearlyQuota?: number;
}

/**
 * The perks each level opens by default (the seed: AAA households get 10 free canteen meals a year,
 * "treat first, pay later", deposit waivers and check-up discounts at city hospitals, priority in
 * government services). The entitlements module's per-region policies refine these.
 */
const DEFAULT_ENTITLEMENTS: Record<CreditLevel, Entitlement[]> = {
  AAA: [
    { kind: 'canteen_meal', description: '社区老年食堂免费就餐', yearlyQuota: 10 },
    { kind: 'treat_first_pay_later', description: '市域医院先诊疗后付费' },
    { kind: 'deposit_waiver', description: '住院免交押金' },
    { kind: 'checkup_discount', description: '体检费用优惠' },
    { kind: 'government_priority', description: '政务服务优先办理' },
  ],
  AA: [
    { kind: 'checkup_discount', description: '体检费用优惠' },
    { kind: 'government_priority', description: '政务服务优先办理' },
  ],
  A: [{ kind: 'government_priority', description: '政务服务优先办理' }],
  NONE: [],
};

export function defaultEntitlementsFor(level: CreditLevel): Entitlement[] {
  return DEFAULT_ENTITLEMENTS[level].map((e) => ({ ...e }));
}
