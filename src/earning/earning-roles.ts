import { Actor, hasRole, Role } from '../common/actor';

/** Roles that administer earning in their region: they see full names and every declaration in scope. */
export const EARNING_STAFF_ROLES: Role[] = [
  'city_admin',
  'street_officer',
  'community_admin',
  'community_staff',
  'grid_worker',
];

/** Who gives points at once (awards and deductions). */
export const AWARDING_ROLES: Role[] = ['community_admin', 'community_staff', 'grid_worker'];

/** Who reviews declarations. */
export const REVIEWING_ROLES: Role[] = ['community_admin', 'community_staff'];

export const isEarningStaff = (actor: Actor): boolean => hasRole(actor, ...EARNING_STAFF_ROLES);
