import { PARTNER_STAFF_ROLES, Role } from '../common/actor';

/** Roles that administer a region (their scope is their region, whatever organisation they name). */
const REGION_ROLES: Role[] = [
  'city_admin',
  'street_officer',
  'community_admin',
  'community_staff',
  'grid_worker',
];

/**
 * The region path a user's scope covers. Normally the user's region; for partner staff (merchant,
 * hospital, canteen) it is never wider than their organisation's region: staff of a merchant in one
 * community are tenants of that community, even when their user row names the street or the city.
 * (Creating such a user is refused now; this keeps rows written before that rule narrow too.)
 */
export function scopePathOf(
  roles: readonly Role[],
  regionPath: string | null,
  organizationRegionPath: string | null,
): string | null {
  const partner = roles.some((r) => PARTNER_STAFF_ROLES.includes(r));
  const administers = roles.some((r) => REGION_ROLES.includes(r));
  if (!partner || administers || !organizationRegionPath) return regionPath;
  if (regionPath === null || organizationRegionPath.startsWith(regionPath)) return organizationRegionPath;
  return regionPath;
}
