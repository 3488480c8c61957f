import { Inject, Injectable } from '@nestjs/common';
import { Actor, Role } from '../common/actor';
import { APP_CONFIG, AppConfig } from '../config/configuration';
import { RegionsService } from '../regions/regions.service';
import { scopePathOf } from './scope-path';
import { UsersRepository } from './users.repository';

/** What a request needs to know about the user its token names. */
export interface UserState {
  actor: Actor;
  tokenVersion: number;
  /** Not disabled and not deleted. */
  active: boolean;
}

/** Entries kept at most; past it the map is emptied (a busy process simply reads users again). */
const MAX_ENTRIES = 50_000;

/**
 * Whether a token still belongs to an active user, and who that user is now. Every authenticated
 * request asks; the answer is read from the users row (with the region paths of the user and their
 * organisation) and kept for AUTH_CACHE_SECONDS, so a busy user costs one small query per few
 * seconds. A change made through UsersService calls {@link forget}, which takes effect at once in
 * this process; other processes see it when their entry expires.
 */
@Injectable()
export class UserStateService {
  private readonly cache = new Map<string, { until: number; state: Promise<UserState | null> }>();
  private readonly ttlMs: number;

  constructor(
    private readonly users: UsersRepository,
    private readonly regions: RegionsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.ttlMs = config.authCacheSeconds * 1000;
  }

  /**
   * The actor for a token of `userId` at `tokenVersion`, or null when the user is gone, disabled,
   * or changed since the token was issued (password, roles, organisation, status).
   */
  async actorFor(userId: unknown, tokenVersion: unknown): Promise<Actor | null> {
    if (typeof userId !== 'string' || userId.length !== 36) return null;
    const version = tokenVersion === undefined ? 0 : tokenVersion;
    const ok = (st: UserState | null): st is UserState => !!st && st.active && st.tokenVersion === version;
    const fresh = this.cache.get(userId);
    let state = await this.get(userId);
    // Only answers that let a request through are served from the cache: a refusal from a
    // remembered entry is checked against the row again (the user may have been enabled, or logged
    // in anew, through another process), so a fresh token never waits for the entry to expire.
    if (!ok(state) && fresh && fresh.until > Date.now()) {
      this.forget(userId);
      state = await this.get(userId);
    }
    if (!ok(state)) return null;
    return state.actor;
  }

  /** The user's state, from the cache while it is fresh. */
  get(userId: string): Promise<UserState | null> {
    const now = Date.now();
    const hit = this.cache.get(userId);
    if (hit && hit.until > now) return hit.state;
    const state = this.read(userId);
    if (this.ttlMs > 0) {
      if (this.cache.size >= MAX_ENTRIES) this.cache.clear();
      this.cache.set(userId, { until: now + this.ttlMs, state });
      // A failed read (the database is down) is not remembered.
      state.catch(() => {
        if (this.cache.get(userId)?.state === state) this.cache.delete(userId);
      });
    }
    return state;
  }

  /** Drops what this process knows about the user: the next request reads the row again. */
  forget(userId: string): void {
    this.cache.delete(userId);
  }

  private async read(userId: string): Promise<UserState | null> {
    const u = await this.users.findState(userId, {
      regionPath: (col) => this.regions.regionPathSql(col),
      organizationPath: (col) => this.regions.organizationPathSql(col),
    });
    if (!u) return null;
    const roles = (u.roles ? u.roles.split(',') : []) as Role[];
    return {
      tokenVersion: Number(u.token_version),
      active: !!Number(u.active) && !u.deleted_at,
      actor: {
        id: u.id,
        username: u.username,
        displayName: u.display_name,
        roles,
        regionId: u.region_id,
        regionPath: scopePathOf(roles, u.region_path, u.org_region_path),
        organizationId: u.organization_id,
      },
    };
  }
}
