/** The rules of mutual aid (银龄互助) and stored time that need no statement. */

export const MUTUAL_AID_KINDS = [
  'escort_to_hospital',
  'medicine_purchase',
  'remote_help',
  'companionship',
  'housework',
] as const;
export type MutualAidKind = (typeof MUTUAL_AID_KINDS)[number];

export const MUTUAL_AID_STATUSES = ['open', 'claimed', 'completed', 'confirmed', 'cancelled'] as const;
export type MutualAidStatus = (typeof MUTUAL_AID_STATUSES)[number];

/** The most minutes one request may ask for or record: a day. */
export const MAX_REQUEST_MINUTES = 24 * 60;
/** A community's cap on a resident's stored minutes unless it sets its own (Nanjing: 1,500 hours). */
export const DEFAULT_MAX_STORED_MINUTES = 90_000;
/** Volunteers are adults. */
export const VOLUNTEER_MIN_AGE = 18;

/** Which statuses each transition leaves from (each one a conditional update on `status`). */
export const TRANSITIONS = {
  claim: { from: ['open'], to: 'claimed' },
  complete: { from: ['claimed'], to: 'completed' },
  confirm: { from: ['completed'], to: 'confirmed' },
  cancel: { from: ['open', 'claimed'], to: 'cancelled' },
} as const satisfies Record<string, { from: readonly MutualAidStatus[]; to: MutualAidStatus }>;
export type Transition = keyof typeof TRANSITIONS;

/** Full years between a `YYYY-MM-DD` birth date and `on` (UTC calendar dates). */
export function ageOn(birthDate: string, on: Date): number {
  const [y, m, d] = birthDate.split('-').map(Number);
  let age = on.getUTCFullYear() - y;
  const month = on.getUTCMonth() + 1;
  if (month < m || (month === m && on.getUTCDate() < d)) age -= 1;
  return age;
}

/** Whether a resident may volunteer: an adult by their registered birth date (unknown: no). */
export const mayVolunteer = (birthDate: string | null, on: Date): boolean =>
  birthDate !== null && /^\d{4}-\d{2}-\d{2}$/.test(birthDate) && ageOn(birthDate, on) >= VOLUNTEER_MIN_AGE;

/**
 * How the completed minutes reach the volunteer. Without stored time, all are issued by the
 * community. Paying with stored time, the asker's hold pays for them up to the hold (the rest of the
 * hold goes back to the asker) and the community issues whatever the work took beyond the hold.
 */
export function creditSplit(
  completedMinutes: number,
  heldMinutes: number | null,
): { fromHold: number; issued: number } {
  const fromHold = heldMinutes ? Math.min(completedMinutes, heldMinutes) : 0;
  return { fromHold, issued: completedMinutes - fromHold };
}

/**
 * Why a transition found the request in another state: the code its status means for that
 * transition (`ALREADY_CLAIMED`, `ALREADY_CONFIRMED`) or a plain `INVALID_STATE`.
 */
export function stateRefusal(
  transition: Transition,
  status: MutualAidStatus,
): 'ALREADY_CLAIMED' | 'ALREADY_CONFIRMED' | 'INVALID_STATE' {
  if (transition === 'claim' && (status === 'claimed' || status === 'completed' || status === 'confirmed'))
    return 'ALREADY_CLAIMED';
  if (transition === 'confirm' && status === 'confirmed') return 'ALREADY_CONFIRMED';
  return 'INVALID_STATE';
}
