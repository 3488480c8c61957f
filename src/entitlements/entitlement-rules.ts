import type { Actor, Role } from '../common/actor';
import { atLeast, CREDIT_LEVELS, type CreditLevel } from '../earning/credit-levels';

/**
 * Perks that follow from a resident's credit level (not bought with points): at city hospitals
 * "treat first, pay later" (先诊疗后付费), deposit waivers (免交押金) and check-up discounts; at the
 * community elderly canteen free meals (老年食堂). Pure rules, no I/O.
 */
export const ENTITLEMENT_KINDS = [
  'treat_first_pay_later',
  'deposit_waiver',
  'checkup_discount',
  'canteen_meal',
] as const;
export type EntitlementKind = (typeof ENTITLEMENT_KINDS)[number];

export const HOSPITAL_KINDS: readonly EntitlementKind[] = [
  'treat_first_pay_later',
  'deposit_waiver',
  'checkup_discount',
];
export const CANTEEN_KINDS: readonly EntitlementKind[] = ['canteen_meal'];

/** Partner roles, the organisation type they work for and the kinds they verify and record. */
export const PARTNER_KINDS: Partial<
  Record<Role, { orgType: 'hospital' | 'canteen'; kinds: readonly EntitlementKind[] }>
> = {
  hospital_staff: { orgType: 'hospital', kinds: HOSPITAL_KINDS },
  canteen_staff: { orgType: 'canteen', kinds: CANTEEN_KINDS },
};

/** The kinds a caller may verify and record (hospital staff: hospital kinds; canteen staff: meals). */
export function kindsHandledBy(actor: Pick<Actor, 'roles'>): EntitlementKind[] {
  return ENTITLEMENT_KINDS.filter((k) => actor.roles.some((r) => PARTNER_KINDS[r]?.kinds.includes(k)));
}

/** The organisation type whose staff handle a kind. */
export const orgTypeFor = (kind: EntitlementKind): 'hospital' | 'canteen' =>
  CANTEEN_KINDS.includes(kind) ? 'canteen' : 'hospital';

/** Use statuses: a meal, a waiver or a check-up is `recorded`; a deferred bill is `outstanding` → `overdue` → `settled`. */
export const USE_STATUSES = ['recorded', 'outstanding', 'overdue', 'settled'] as const;
export type UseStatus = (typeof USE_STATUSES)[number];

/** What a region decides for one kind. `null` quota or cap: no limit. */
export interface PolicyValues {
  minCreditLevel: CreditLevel;
  yearlyQuota: number | null;
  /** treat_first_pay_later: cap on the resident's unpaid deferred bills, in fen. */
  maxOutstandingFen: number | null;
  /** checkup_discount: percentage off the check-up fee. */
  discountPercent: number | null;
  /** treat_first_pay_later: an unpaid bill becomes overdue this many days after it was recorded. */
  overdueAfterDays: number | null;
}

export const DEFAULT_OVERDUE_AFTER_DAYS = 30;

/**
 * The built-in policies, used where no region of the resident's lineage sets its own (the seed:
 * AAA households get 10 free meals a year, treat first pay later, deposit waivers, check-up discounts).
 */
export const DEFAULT_POLICIES: Readonly<Record<EntitlementKind, Readonly<PolicyValues>>> = Object.freeze({
  canteen_meal: {
    minCreditLevel: 'AAA',
    yearlyQuota: 10,
    maxOutstandingFen: null,
    discountPercent: null,
    overdueAfterDays: null,
  },
  treat_first_pay_later: {
    minCreditLevel: 'AAA',
    yearlyQuota: null,
    maxOutstandingFen: 500_000,
    discountPercent: null,
    overdueAfterDays: DEFAULT_OVERDUE_AFTER_DAYS,
  },
  deposit_waiver: {
    minCreditLevel: 'AAA',
    yearlyQuota: null,
    maxOutstandingFen: null,
    discountPercent: null,
    overdueAfterDays: null,
  },
  checkup_discount: {
    minCreditLevel: 'AAA',
    yearlyQuota: null,
    maxOutstandingFen: null,
    discountPercent: 20,
    overdueAfterDays: null,
  },
});

export interface PolicyInput {
  minCreditLevel: CreditLevel;
  yearlyQuota?: number | null;
  maxOutstandingFen?: number | null;
  discountPercent?: number | null;
  overdueAfterDays?: number | null;
}

export interface FieldProblem {
  field: string;
  problems: string[];
}

/** Problems with a policy for a kind (empty when valid): fields that do not apply to the kind are refused. */
export function policyProblems(kind: EntitlementKind, p: PolicyInput): FieldProblem[] {
  const out: FieldProblem[] = [];
  const set = (v: unknown) => v !== undefined && v !== null;
  if (!CREDIT_LEVELS.includes(p.minCreditLevel)) {
    out.push({ field: 'minCreditLevel', problems: [`must be one of ${CREDIT_LEVELS.join(', ')}`] });
  }
  if (set(p.maxOutstandingFen) && kind !== 'treat_first_pay_later')
    out.push({ field: 'maxOutstandingFen', problems: ['applies to treat_first_pay_later only'] });
  if (set(p.overdueAfterDays) && kind !== 'treat_first_pay_later')
    out.push({ field: 'overdueAfterDays', problems: ['applies to treat_first_pay_later only'] });
  if (set(p.discountPercent) && kind !== 'checkup_discount')
    out.push({ field: 'discountPercent', problems: ['applies to checkup_discount only'] });
  if (kind === 'checkup_discount' && !set(p.discountPercent))
    out.push({ field: 'discountPercent', problems: ['is required for checkup_discount'] });
  return out;
}

/** A stored policy from the input: absent quota and cap mean no limit; absent overdue days, the default. */
export function toPolicyValues(kind: EntitlementKind, p: PolicyInput): PolicyValues {
  return {
    minCreditLevel: p.minCreditLevel,
    yearlyQuota: p.yearlyQuota ?? null,
    maxOutstandingFen: kind === 'treat_first_pay_later' ? (p.maxOutstandingFen ?? null) : null,
    discountPercent: kind === 'checkup_discount' ? (p.discountPercent ?? null) : null,
    overdueAfterDays:
      kind === 'treat_first_pay_later' ? (p.overdueAfterDays ?? DEFAULT_OVERDUE_AFTER_DAYS) : null,
  };
}

export interface EffectivePolicy extends PolicyValues {
  kind: EntitlementKind;
  /** The region whose policy applies (the nearest of the lineage that sets one), or null for the built-in default. */
  sourceRegionId: string | null;
}

/**
 * The policy in force for each kind, given the lineage (the region first, then its ancestors) and
 * the policies those regions set.
 */
export function resolvePolicies(
  lineage: readonly string[],
  rows: ReadonlyArray<PolicyValues & { regionId: string; kind: EntitlementKind }>,
): Record<EntitlementKind, EffectivePolicy> {
  const out = {} as Record<EntitlementKind, EffectivePolicy>;
  for (const kind of ENTITLEMENT_KINDS) {
    const regionId = lineage.find((id) => rows.some((r) => r.regionId === id && r.kind === kind));
    const row = regionId ? rows.find((r) => r.regionId === regionId && r.kind === kind)! : undefined;
    const values: PolicyValues = row
      ? {
          minCreditLevel: row.minCreditLevel,
          yearlyQuota: row.yearlyQuota,
          maxOutstandingFen: row.maxOutstandingFen,
          discountPercent: row.discountPercent,
          overdueAfterDays: row.overdueAfterDays,
        }
      : { ...DEFAULT_POLICIES[kind] };
    out[kind] = { kind, ...values, sourceRegionId: regionId ?? null };
  }
  return out;
}

/** Why a resident may not use an entitlement now (stable strings that clients may branch on). */
export type IneligibleReason =
  'credit_level_too_low' | 'suspended_overdue_bill' | 'quota_exhausted' | 'cap_reached' | 'other_city';

export interface EntitlementState {
  /** The live credit level. */
  level: CreditLevel;
  /** Uses counted this year (kinds with a yearly quota). */
  used: number;
  /** Unpaid deferred bills (overdue ones included), in fen. */
  outstandingFen: number;
  /** Overdue deferred bills. */
  overdueCount: number;
}

export interface Evaluation {
  eligible: boolean;
  reason?: IneligibleReason;
  message?: string;
  creditLevel: CreditLevel;
  minCreditLevel: CreditLevel;
  yearlyQuota?: number;
  remaining?: number;
  outstandingFen?: number;
  maxOutstandingFen?: number | null;
  availableFen?: number | null;
  overdueBills?: number;
  discountPercent?: number;
}

/**
 * Whether an entitlement may be used now, in the order a counter explains it: level, suspension,
 * quota, cap. `amountFen` checks that a deferred bill of that size fits under the cap.
 */
export function evaluate(
  kind: EntitlementKind,
  policy: PolicyValues,
  state: EntitlementState,
  amountFen?: number,
): Evaluation {
  const ev: Evaluation = { eligible: true, creditLevel: state.level, minCreditLevel: policy.minCreditLevel };
  if (policy.yearlyQuota !== null) {
    ev.yearlyQuota = policy.yearlyQuota;
    ev.remaining = Math.max(0, policy.yearlyQuota - state.used);
  }
  if (kind === 'treat_first_pay_later') {
    ev.outstandingFen = state.outstandingFen;
    ev.maxOutstandingFen = policy.maxOutstandingFen;
    ev.availableFen =
      policy.maxOutstandingFen === null ? null : Math.max(0, policy.maxOutstandingFen - state.outstandingFen);
    ev.overdueBills = state.overdueCount;
  }
  if (kind === 'checkup_discount' && policy.discountPercent !== null)
    ev.discountPercent = policy.discountPercent;
  const no = (reason: IneligibleReason, message: string): Evaluation => ({
    ...ev,
    eligible: false,
    reason,
    message,
  });
  if (!atLeast(state.level, policy.minCreditLevel))
    return no(
      'credit_level_too_low',
      `credit level ${state.level} is below the required ${policy.minCreditLevel}`,
    );
  if (kind === 'treat_first_pay_later' && state.overdueCount > 0)
    return no(
      'suspended_overdue_bill',
      `treat first, pay later is suspended until ${state.overdueCount} overdue bill(s) are settled`,
    );
  if (ev.remaining === 0)
    return no('quota_exhausted', `all ${policy.yearlyQuota} uses of this year are taken`);
  if (ev.availableFen !== undefined && ev.availableFen !== null && (amountFen ?? 1) > ev.availableFen)
    return no(
      'cap_reached',
      `the unpaid deferred bills would pass the cap of ${policy.maxOutstandingFen} fen`,
    );
  return ev;
}

/** The fee after a check-up discount, rounded to the fen in the resident's favour. */
export function discountedFen(amountFen: number, discountPercent: number): number {
  return Math.floor((amountFen * (100 - discountPercent)) / 100);
}

/** When a pass issued at `now` expires: whole seconds, since the code carries seconds. */
export function passExpiry(now: Date, ttlSeconds: number): Date {
  return new Date((Math.floor(now.getTime() / 1000) + ttlSeconds) * 1000);
}

/** Seconds after which an unpaid deferred bill is overdue: the override (tests, demos) or the policy's days. */
export function overdueAfterSeconds(policy: PolicyValues, overrideSeconds: number | null): number {
  return overrideSeconds ?? (policy.overdueAfterDays ?? DEFAULT_OVERDUE_AFTER_DAYS) * 86_400;
}

/** The first segment of a region path: the city everything below it belongs to. */
export const cityOf = (path: string | null | undefined): string | null =>
  path ? (path.split('/').filter(Boolean)[0] ?? null) : null;
