import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import type { Role } from '@/api/types';
import { menuFor } from '@/console/menu';
import { CONSOLE_ROLES, homeOf, STAFF_COUNTER_ROLES, useSession } from '@/stores/session';

declare module 'vue-router' {
  interface RouteMeta {
    public?: boolean;
    roles?: Role[];
    title?: string;
  }
}

export const SCANNER_ROLES: Role[] = [...STAFF_COUNTER_ROLES, 'community_admin', 'community_staff'];
export const LISTING_ROLES: Role[] = [...STAFF_COUNTER_ROLES, 'community_admin', 'community_staff'];

// Each part is its own chunk: the resident's first load carries neither the counter nor the console.
const routes: RouteRecordRaw[] = [
  { path: '/', redirect: () => homeOf(useSession().roles) },
  { path: '/login', component: () => import('@/pages/LoginPage.vue'), meta: { public: true } },
  {
    path: '/m',
    component: () => import('@/mobile/MobileLayout.vue'),
    meta: { roles: ['resident'] },
    children: [
      { path: '', component: () => import('@/mobile/HomePage.vue'), meta: { title: 'nav.home' } },
      { path: 'mall', component: () => import('@/mobile/MallPage.vue'), meta: { title: 'nav.mall' } },
      { path: 'mall/:id', component: () => import('@/mobile/ListingPage.vue'), meta: { title: 'order.confirmTitle' } },
      { path: 'orders', component: () => import('@/mobile/OrdersPage.vue'), meta: { title: 'nav.orders' } },
      { path: 'orders/:id', component: () => import('@/mobile/OrderPage.vue'), meta: { title: 'order.voucherTitle' } },
      { path: 'notifications', component: () => import('@/mobile/NotificationsPage.vue'), meta: { title: 'notifications.title' } },
      { path: 'pass', component: () => import('@/mobile/PassPage.vue'), meta: { title: 'pass.title' } },
      { path: 'declare', component: () => import('@/mobile/DeclarePage.vue'), meta: { title: 'declare.title' } },
      { path: 'rankings', component: () => import('@/mobile/RankingsPage.vue'), meta: { title: 'rankings.title' } },
      { path: 'me', component: () => import('@/mobile/MePage.vue'), meta: { title: 'nav.me' } },
      { path: 'notices', component: () => import('@/mobile/NoticesPage.vue'), meta: { title: 'notices.title' } },
      { path: 'appeals', component: () => import('@/mobile/AppealsPage.vue'), meta: { title: 'appeals.title' } },
      { path: 'mutual-aid', component: () => import('@/mobile/MutualAidPage.vue'), meta: { title: 'aid.title' } },
      { path: 'household', component: () => import('@/mobile/HouseholdPage.vue'), meta: { title: 'household.title' } },
    ],
  },
  {
    path: '/counter',
    component: () => import('@/counter/CounterLayout.vue'),
    meta: { roles: SCANNER_ROLES },
    children: [
      { path: '', component: () => import('@/counter/ScanPage.vue'), meta: { title: 'nav.scan' } },
      { path: 'history', component: () => import('@/counter/HistoryPage.vue'), meta: { title: 'nav.history' } },
    ],
  },
  {
    path: '/console',
    component: () => import('@/console/ConsoleLayout.vue'),
    meta: { roles: [...CONSOLE_ROLES, ...STAFF_COUNTER_ROLES] },
    children: [
      { path: '', redirect: () => menuFor(useSession().roles)[0]?.path ?? '/' },
      { path: 'rules', component: () => import('@/console/RulesPage.vue'), meta: { roles: ['community_admin', 'community_staff', 'grid_worker'] } },
      { path: 'award', component: () => import('@/console/AwardPage.vue'), meta: { roles: ['community_admin', 'community_staff', 'grid_worker'] } },
      { path: 'declarations', component: () => import('@/console/DeclarationsPage.vue'), meta: { roles: ['community_admin', 'community_staff'] } },
      { path: 'import', component: () => import('@/console/ImportPage.vue'), meta: { roles: ['community_admin'] } },
      { path: 'listings', component: () => import('@/console/ListingsPage.vue'), meta: { roles: LISTING_ROLES } },
      { path: 'funds', component: () => import('@/console/FundsPage.vue'), meta: { roles: ['community_admin', 'community_staff'] } },
      { path: 'reports', component: () => import('@/console/ReportsPage.vue'), meta: { roles: ['community_admin', 'community_staff', 'street_officer', 'city_admin'] } },
      { path: 'settlements', component: () => import('@/console/SettlementsPage.vue'), meta: { roles: ['street_officer', 'city_admin', 'community_admin', 'merchant_staff', 'hospital_staff', 'canteen_staff'] } },
      { path: 'reports/:id', component: () => import('@/console/ReportPage.vue'), meta: { roles: ['community_admin', 'community_staff', 'street_officer', 'city_admin'] } },
      { path: 'appeals', component: () => import('@/console/AppealsPage.vue'), meta: { roles: ['community_admin', 'community_staff'] } },
      { path: 'mutual-aid', component: () => import('@/console/MutualAidPage.vue'), meta: { roles: ['community_admin', 'community_staff', 'grid_worker'] } },
      { path: 'notices', component: () => import('@/console/NoticesPage.vue'), meta: { roles: ['community_admin', 'community_staff', 'grid_worker', 'street_officer', 'city_admin'] } },
    ],
  },
  { path: '/:pathMatch(.*)*', component: () => import('@/pages/NotFoundPage.vue'), meta: { public: true } },
];

export const router = createRouter({ history: createWebHistory(), routes, scrollBehavior: () => ({ top: 0 }) });

router.beforeEach((to) => {
  const session = useSession();
  if (to.meta.public) return true;
  if (!session.loggedIn) return { path: '/login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} };
  // Every matched record's roles must allow the user (a layout's and its page's).
  const allowed = to.matched.every((r) => !r.meta.roles || session.hasRole(...r.meta.roles));
  return allowed ? true : homeOf(session.roles);
});
