export const ROLES = [
  'city_admin',
  'street_officer',
  'community_admin',
  'community_staff',
  'grid_worker',
  'merchant_staff',
  'hospital_staff',
  'canteen_staff',
  'resident',
] as const;
export type Role = (typeof ROLES)[number];

/** Staff of a community's own administration (they act on residents of their region). */
export const COMMUNITY_STAFF_ROLES: Role[] = ['community_admin', 'community_staff', 'grid_worker'];
/** Staff of a partner organisation (merchant, hospital, canteen). */
export const PARTNER_STAFF_ROLES: Role[] = ['merchant_staff', 'hospital_staff', 'canteen_staff'];

/** The authenticated caller, as carried by the JWT. */
export interface Actor {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  /** The caller's region; null only for the platform's bootstrap administrator (whole platform). */
  regionId: string | null;
  /** Materialised path of the region (`/cityId/districtId/.../`); scope = everything below it. */
  regionPath: string | null;
  organizationId: string | null;
}

export const hasRole = (actor: Actor, ...roles: Role[]): boolean =>
  actor.roles.some((r) => roles.includes(r));

/** True when a region path lies inside the caller's scope. */
export const regionInScope = (actor: Actor, regionPath: string | null | undefined): boolean =>
  !!regionPath && (actor.regionPath === null || regionPath.startsWith(actor.regionPath));

export const isStaff = (actor: Actor): boolean => actor.roles.some((r) => r !== 'resident');
