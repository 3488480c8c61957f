// Pure rules of the catalog: scope (circulation), validity windows, eligibility. No I/O here, so the
// order path and the unit tests use exactly the same logic as the HTTP routes.
import type { Actor, Role } from '../common/actor';
import type { OrganizationType, RegionKind } from '../regions/regions.service';

export const LISTING_KINDS = ['goods', 'service', 'perk', 'honor'] as const;
export type ListingKind = (typeof LISTING_KINDS)[number];

export const LISTING_STATUSES = ['published', 'unpublished'] as const;
export type ListingStatus = (typeof LISTING_STATUSES)[number];

export const LIMIT_PERIODS = ['day', 'month', 'year'] as const;
export type LimitPeriod = (typeof LIMIT_PERIODS)[number];

/** Credit levels from lowest to highest (earning computes them: 180 points a year = AAA). */
export const CREDIT_LEVELS = ['A', 'AA', 'AAA'] as const;
export type CreditLevel = (typeof CREDIT_LEVELS)[number];

/**
 * Regions a listing may be scoped to. A village is the rural form of a community (residents live
 * in either), so it counts as a community here; districts are not a circulation level.
 */
export const SCOPE_KINDS: readonly RegionKind[] = ['community', 'village', 'street', 'city'];

/** Roles that may manage listings, and the organisation type each one manages for. */
export const PROVIDER_ROLES: Partial<Record<OrganizationType, Role[]>> = {
  merchant: ['merchant_staff'],
  hospital: ['hospital_staff'],
  canteen: ['canteen_staff'],
  community: ['community_admin', 'community_staff'],
};
export const LISTING_MANAGER_ROLES: Role[] = [
  'merchant_staff',
  'hospital_staff',
  'canteen_staff',
  'community_admin',
  'community_staff',
];

/** China Standard Time: ages are counted on the local calendar day. */
export const LOCAL_UTC_OFFSET_MINUTES = 480;

/** `/a/b/c/` → `['/a/', '/a/b/', '/a/b/c/']` (every ancestor-or-self path, root first). */
export function ancestorPaths(path: string): string[] {
  const ids = path.split('/').filter(Boolean);
  return ids.map((_, i) => `/${ids.slice(0, i + 1).join('/')}/`);
}

/** The path of the city (root) a region belongs to. */
export function cityPathOf(path: string): string {
  const root = path.split('/').find(Boolean);
  return root ? `/${root}/` : '/';
}

/**
 * Circulation: a listing scoped to `scopePath` can be seen and ordered by a resident of the region
 * at `regionPath` when the scope is an ancestor-or-self of that region (own community, its street,
 * its city: 市域互认 for city-wide listings).
 */
export function scopeCovers(scopePath: string, regionPath: string | null | undefined): boolean {
  return !!regionPath && regionPath.startsWith(scopePath);
}

/**
 * The provider's reach: a provider may scope a listing to a region when the provider's own region
 * lies inside it (a community supermarket listing for its street or city), or when the region lies
 * inside the provider's city (a merchant serving another community of the same city). Both come
 * down to one rule: **the scope is in the provider's city**.
 */
export function withinProviderReach(providerRegionPath: string, scopePath: string): boolean {
  return providerRegionPath.startsWith(scopePath) || scopePath.startsWith(cityPathOf(providerRegionPath));
}

/**
 * Whether the caller manages listings of the provider organisation: staff of a matching role whose
 * organisation is the provider (merchant, hospital, canteen or community staff), or the admin and
 * staff of the community where a community-type provider (the community's own supermarket) sits.
 * Grid workers, street officers and city admins do not manage listings.
 */
export function managesProvider(
  actor: Pick<Actor, 'roles' | 'organizationId' | 'regionId'>,
  org: { id: string; type: OrganizationType; regionId: string },
): boolean {
  const roles = PROVIDER_ROLES[org.type] ?? [];
  if (!actor.roles.some((r) => roles.includes(r))) return false;
  return actor.organizationId === org.id || (org.type === 'community' && actor.regionId === org.regionId);
}

/**
 * Whether the caller may see a listing (besides its managers): the listing circulates in the
 * caller's region (scope is an ancestor-or-self of it), or lies inside the caller's region (street
 * officers and admins overseeing their area). The platform administrator sees everything.
 */
export function listingVisibleTo(actor: Pick<Actor, 'regionPath'>, scopePath: string): boolean {
  if (actor.regionPath === null) return true;
  return scopeCovers(scopePath, actor.regionPath) || scopePath.startsWith(actor.regionPath);
}

export interface ValidityWindow {
  validFrom: Date | null;
  validUntil: Date | null;
}

export type Validity = 'valid' | 'not_yet_valid' | 'expired';

/** The window is half-open: `validFrom <= now < validUntil`; a missing bound is open. */
export function validityAt(w: ValidityWindow, now: Date): Validity {
  if (w.validFrom && now.getTime() < w.validFrom.getTime()) return 'not_yet_valid';
  if (w.validUntil && now.getTime() >= w.validUntil.getTime()) return 'expired';
  return 'valid';
}

export interface OrderableListing extends ValidityWindow {
  status: ListingStatus;
  scopePath: string;
}

export type Orderability =
  | { orderable: true }
  | { orderable: false; code: 'LISTING_NOT_FOUND'; reason: 'out_of_scope' }
  | {
      orderable: false;
      code: 'LISTING_NOT_AVAILABLE';
      reason: 'unpublished' | 'not_yet_valid' | 'expired';
    };

/**
 * Whether a resident (whose community is at `resident.regionPath`) may order the listing at `now`.
 * Out of scope answers like a missing listing (404); in scope but unpublished or outside its
 * validity window is 422 `LISTING_NOT_AVAILABLE`. Stock and eligibility are checked separately
 * (stock by the conditional decrement, eligibility by {@link eligibilityCheck}).
 */
export function orderability(
  listing: OrderableListing,
  resident: { regionPath: string | null },
  now: Date,
): Orderability {
  if (!scopeCovers(listing.scopePath, resident.regionPath))
    return { orderable: false, code: 'LISTING_NOT_FOUND', reason: 'out_of_scope' };
  if (listing.status !== 'published')
    return { orderable: false, code: 'LISTING_NOT_AVAILABLE', reason: 'unpublished' };
  const v = validityAt(listing, now);
  if (v !== 'valid') return { orderable: false, code: 'LISTING_NOT_AVAILABLE', reason: v };
  return { orderable: true };
}

/** True when `have` is at least `min` (`NONE`, null and unknown values meet no minimum). */
export function creditLevelMeets(have: string | null | undefined, min: CreditLevel): boolean {
  const rank = CREDIT_LEVELS.indexOf(have as CreditLevel);
  return rank >= 0 && rank >= CREDIT_LEVELS.indexOf(min);
}

/** Full years between a `YYYY-MM-DD` birth date and `now`, on the local (China) calendar. */
export function ageOn(birthDate: string, now: Date): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  if (!m) throw new Error(`not a date: ${birthDate}`);
  const local = new Date(now.getTime() + LOCAL_UTC_OFFSET_MINUTES * 60_000);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  let age = local.getUTCFullYear() - y;
  const beforeBirthday =
    local.getUTCMonth() + 1 < mo || (local.getUTCMonth() + 1 === mo && local.getUTCDate() < d);
  if (beforeBirthday) age -= 1;
  return age;
}

export interface Eligibility {
  minCreditLevel?: CreditLevel;
  minAge?: number;
}

export interface ResidentFacts {
  /** The resident's credit level this year (`A`, `AA`, `AAA`, or `NONE`/null for none). */
  creditLevel: string | null;
  /** `YYYY-MM-DD`, or null when unknown. */
  birthDate: string | null;
}

export type EligibilityResult =
  | { eligible: true }
  | { eligible: false; reason: 'credit_level'; required: CreditLevel; actual: string | null }
  | { eligible: false; reason: 'age'; required: number; actual: number }
  | { eligible: false; reason: 'age_unknown'; required: number };

/** Checks a listing's eligibility rule against what is known of the resident (403 `NOT_ELIGIBLE`). */
export function eligibilityCheck(
  rule: Eligibility | null | undefined,
  facts: ResidentFacts,
  now: Date,
): EligibilityResult {
  if (rule?.minCreditLevel && !creditLevelMeets(facts.creditLevel, rule.minCreditLevel)) {
    return {
      eligible: false,
      reason: 'credit_level',
      required: rule.minCreditLevel,
      actual: facts.creditLevel,
    };
  }
  if (rule?.minAge !== undefined && rule.minAge !== null && rule.minAge > 0) {
    if (!facts.birthDate) return { eligible: false, reason: 'age_unknown', required: rule.minAge };
    const age = ageOn(facts.birthDate, now);
    if (age < rule.minAge) return { eligible: false, reason: 'age', required: rule.minAge, actual: age };
  }
  return { eligible: true };
}
