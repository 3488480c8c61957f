import type { Role } from '@/api/types';

export interface MenuItem {
  path: string;
  key: string;
  icon: string;
  roles: Role[];
}

/** The console's menu; each page's route carries the same roles (router/index.ts). */
export const MENU: MenuItem[] = [
  { path: '/console/declarations', key: 'declarations', icon: '📝', roles: ['community_admin', 'community_staff'] },
  { path: '/console/award', key: 'award', icon: '➕', roles: ['community_admin', 'community_staff', 'grid_worker'] },
  { path: '/console/rules', key: 'rules', icon: '📖', roles: ['community_admin', 'community_staff', 'grid_worker'] },
  { path: '/console/import', key: 'import', icon: '📥', roles: ['community_admin'] },
  { path: '/console/listings', key: 'listings', icon: '🛒', roles: ['merchant_staff', 'hospital_staff', 'canteen_staff', 'community_admin', 'community_staff'] },
  { path: '/console/funds', key: 'funds', icon: '💰', roles: ['community_admin', 'community_staff'] },
  { path: '/console/reports', key: 'reports', icon: '📊', roles: ['community_admin', 'community_staff', 'street_officer', 'city_admin'] },
  { path: '/counter', key: 'counter', icon: '📷', roles: ['merchant_staff', 'hospital_staff', 'canteen_staff', 'community_admin', 'community_staff'] },
];

export function menuFor(roles: Role[]): MenuItem[] {
  return MENU.filter((m) => m.roles.some((r) => roles.includes(r)));
}
