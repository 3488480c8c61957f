import type { Role } from '@/api/types';

export interface MenuItem {
  path: string;
  key: string;
  /** An icon of @element-plus/icons-vue (ConsoleLayout maps the name; the router must not load icons). */
  icon: 'EditPen' | 'Coin' | 'Notebook' | 'Upload' | 'Goods' | 'Document' | 'DataAnalysis' | 'Camera' | 'Stamp' | 'Tickets' | 'Timer';
  roles: Role[];
}

/** The console's menu; each page's route carries the same roles (router/index.ts). */
export const MENU: MenuItem[] = [
  { path: '/console/declarations', key: 'declarations', icon: 'EditPen', roles: ['community_admin', 'community_staff'] },
  { path: '/console/award', key: 'award', icon: 'Coin', roles: ['community_admin', 'community_staff', 'grid_worker'] },
  { path: '/console/rules', key: 'rules', icon: 'Notebook', roles: ['community_admin', 'community_staff', 'grid_worker'] },
  { path: '/console/import', key: 'import', icon: 'Upload', roles: ['community_admin'] },
  { path: '/console/listings', key: 'listings', icon: 'Goods', roles: ['merchant_staff', 'hospital_staff', 'canteen_staff', 'community_admin', 'community_staff'] },
  { path: '/console/funds', key: 'funds', icon: 'Document', roles: ['community_admin', 'community_staff'] },
  { path: '/console/reports', key: 'reports', icon: 'DataAnalysis', roles: ['community_admin', 'community_staff', 'street_officer', 'city_admin'] },
  { path: '/console/appeals', key: 'appeals', icon: 'Stamp', roles: ['community_admin', 'community_staff'] },
  { path: '/console/mutual-aid', key: 'mutualAid', icon: 'Timer', roles: ['community_admin', 'community_staff', 'grid_worker'] },
  { path: '/console/notices', key: 'notices', icon: 'Tickets', roles: ['community_admin', 'community_staff', 'grid_worker', 'street_officer', 'city_admin'] },
  { path: '/console/settlements', key: 'settlements', icon: 'Coin', roles: ['street_officer', 'city_admin', 'community_admin', 'merchant_staff', 'hospital_staff', 'canteen_staff'] },
  { path: '/counter', key: 'counter', icon: 'Camera', roles: ['merchant_staff', 'hospital_staff', 'canteen_staff', 'community_admin', 'community_staff'] },
];

export function menuFor(roles: Role[]): MenuItem[] {
  return MENU.filter((m) => m.roles.some((r) => roles.includes(r)));
}
