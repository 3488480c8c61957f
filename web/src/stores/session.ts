import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { api, configureHttp } from '@/api/http';
import type { LoginAnswer, Role, SessionUser } from '@/api/types';

const SESSION_KEY = 'jifen.session';
const DEVICE_KEY = 'jifen.deviceTokens';

interface Stored {
  accessToken: string;
  expiresAt: number;
  user: SessionUser;
}

function readStored(): Stored | null {
  try {
    const s = JSON.parse(localStorage.getItem(SESSION_KEY) ?? 'null') as Stored | null;
    return s && s.accessToken && s.expiresAt > Date.now() ? s : null;
  } catch {
    return null;
  }
}

function deviceTokens(): Record<string, string> {
  try {
    return JSON.parse(localStorage.getItem(DEVICE_KEY) ?? '{}') ?? {};
  } catch {
    return {};
  }
}

export const STAFF_COUNTER_ROLES: Role[] = ['merchant_staff', 'hospital_staff', 'canteen_staff'];
export const CONSOLE_ROLES: Role[] = ['city_admin', 'street_officer', 'community_admin', 'community_staff', 'grid_worker'];

/** Where a user lands after logging in. */
export function homeOf(roles: Role[]): string {
  if (roles.includes('resident')) return '/m';
  if (roles.some((r) => STAFF_COUNTER_ROLES.includes(r))) return '/counter';
  return '/console';
}

/**
 * The logged-in user: the token (localStorage, until it expires), who they are, and the device token
 * the API hands out per username (sent on later logins, so that a known device is not locked out by
 * other people's failed attempts).
 */
export const useSession = defineStore('session', () => {
  const stored = ref<Stored | null>(readStored());
  /** Why the user was sent back to the login page (`expired`, `loggedOut`). */
  const reason = ref<string | null>(null);
  let timer: ReturnType<typeof setTimeout> | undefined;

  const user = computed(() => stored.value?.user ?? null);
  const token = computed(() => stored.value?.accessToken ?? null);
  const roles = computed<Role[]>(() => stored.value?.user.roles ?? []);
  const loggedIn = computed(() => !!stored.value);

  function hasRole(...rs: Role[]): boolean {
    return roles.value.some((r) => rs.includes(r));
  }

  function arm(): void {
    clearTimeout(timer);
    if (!stored.value) return;
    // setTimeout holds at most 2^31-1 ms; a session longer than that re-arms when it wakes.
    const ms = Math.min(stored.value.expiresAt - Date.now(), 2_000_000_000);
    timer = setTimeout(() => (stored.value && stored.value.expiresAt <= Date.now() ? expire() : arm()), Math.max(ms, 0));
  }

  async function login(username: string, password: string): Promise<SessionUser> {
    const name = username.trim();
    const known = deviceTokens()[name.toLowerCase()];
    const body: Record<string, string> = { username: name, password };
    if (known) body.deviceToken = known;
    const a = await api.post<LoginAnswer>('/auth/login', body, { anonymous: true });
    if (a.deviceToken) {
      const all = deviceTokens();
      all[name.toLowerCase()] = a.deviceToken;
      localStorage.setItem(DEVICE_KEY, JSON.stringify(all));
    }
    stored.value = { accessToken: a.accessToken, expiresAt: Date.now() + a.expiresIn * 1000, user: a.user };
    localStorage.setItem(SESSION_KEY, JSON.stringify(stored.value));
    reason.value = null;
    arm();
    return a.user;
  }

  function clear(why: string | null): void {
    clearTimeout(timer);
    stored.value = null;
    reason.value = why;
    localStorage.removeItem(SESSION_KEY);
  }

  /** The token is no longer good (expired, or the API answered 401): back to the login page. */
  let onExpire: () => void = () => undefined;
  function expire(): void {
    if (!stored.value) return;
    clear('expired');
    onExpire();
  }

  function logout(): void {
    clear('loggedOut');
  }

  function onExpired(fn: () => void): void {
    onExpire = fn;
  }

  configureHttp({ token: () => token.value, onUnauthorized: expire });
  arm();

  return { user, token, roles, loggedIn, reason, hasRole, login, logout, expire, onExpired };
});
