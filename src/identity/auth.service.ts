import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { Repository } from 'typeorm';
import { Actor } from '../common/actor';
import { DomainError } from '../common/domain-error';
import { newId } from '../common/ids';
import { APP_CONFIG, AppConfig } from '../config/configuration';
import { TransactionService } from '../database/transaction.service';
import { RegionsService } from '../regions/regions.service';
import { LoginDto } from './dto/identity.dto';
import { UserEntity } from './entities/user.entity';
import { addressKey, tooManyAttempts } from './login-limits';
import { PasswordService } from './password.service';
import { scopePathOf } from './scope-path';
import { UserStateService } from './user-state.service';

export interface JwtClaims {
  sub: string;
  usr: string;
  name: string;
  roles: Actor['roles'];
  rid: string | null;
  rp: string | null;
  oid: string | null;
  /** The user's token version when the token was issued (absent in tokens of older releases: 0). */
  ver?: number;
}

/** Devices remembered per user at most (the oldest are forgotten first). */
const MAX_DEVICES_PER_USER = 20;

const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

interface KnownDevice {
  id: string;
  token: string;
}

/**
 * Login, with three limits on failures, all kept in the database so that every API replica sees
 * the same counts:
 * - per username (LOGIN_MAX_FAILURES within LOGIN_WINDOW_SECONDS), for attempts from devices that
 *   never logged in as that user;
 * - per known device: a device that logged in before sends its `deviceToken` and has a count of its
 *   own, so other people's wrong guesses never lock the right password out on it;
 * - per client address (LOGIN_ADDRESS_MAX_FAILURES in the same window), failures only: a spray of
 *   guesses over many usernames from one address stops there, while a community centre's shared
 *   terminal, where people mostly type their passwords right, never meets it.
 * Every count is taken *before* the password is checked, in one atomic upsert, so a burst of
 * concurrent guesses cannot slip past a limit together.
 */
@Injectable()
export class AuthService {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly passwords: PasswordService,
    private readonly jwt: JwtService,
    private readonly regions: RegionsService,
    private readonly tx: TransactionService,
    private readonly states: UserStateService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async login(dto: LoginDto, ip?: string) {
    const { user, device } = await this.checkPassword(dto.username, dto.password, {
      ip,
      deviceToken: dto.deviceToken,
    });
    if (!user) throw new DomainError('INVALID_CREDENTIALS', {}, 'wrong username or password');
    const actor = await this.actorOf(user);
    const accessToken = await this.jwt.signAsync(this.claimsOf(actor, user.tokenVersion));
    const decoded = this.jwt.decode(accessToken) as { exp: number; iat: number };
    return {
      accessToken,
      tokenType: 'Bearer',
      expiresIn: decoded.exp - decoded.iat,
      user: {
        id: actor.id,
        username: actor.username,
        displayName: actor.displayName,
        roles: actor.roles,
        regionId: actor.regionId,
        organizationId: actor.organizationId,
      },
      deviceToken: (device ?? (await this.rememberDevice(user.id))).token,
    };
  }

  async actorOf(user: UserEntity): Promise<Actor> {
    const region = user.regionId ? await this.regions.get(user.regionId) : null;
    const org = await this.regions.getOrganization(user.organizationId);
    const orgRegion = org ? await this.regions.get(org.regionId) : null;
    return {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      roles: user.roles,
      regionId: user.regionId,
      regionPath: scopePathOf(user.roles, region?.path ?? null, orgRegion?.path ?? null),
      organizationId: user.organizationId,
    };
  }

  claimsOf(a: Actor, tokenVersion = 0): JwtClaims {
    return {
      sub: a.id,
      usr: a.username,
      name: a.displayName,
      roles: a.roles,
      rid: a.regionId,
      rp: a.regionPath,
      oid: a.organizationId,
      ver: tokenVersion,
    };
  }

  /**
   * The actor of verified claims when the token still belongs to its user: the user exists, is
   * active, and has not changed password, roles, organisation or status since (token version).
   * The actor is the user as they are now, not as the claims remember them.
   */
  actorFromClaims(c: JwtClaims): Promise<Actor | null> {
    return this.states.actorFor(c.sub, c.ver);
  }

  /**
   * The actor of a bearer token (every request, and Bull Board), or null when the token is not
   * well signed, has expired, or no longer belongs to an active, unchanged user.
   */
  async verifyToken(token: string): Promise<Actor | null> {
    let claims: JwtClaims;
    try {
      claims = await this.jwt.verifyAsync<JwtClaims>(token, { algorithms: ['HS256'] });
    } catch {
      return null;
    }
    return this.actorFromClaims(claims);
  }

  /**
   * Verifies username and password without issuing a token (Bull Board's basic auth); the answer
   * carries the token version, so a cached answer can be checked against the user later.
   */
  async verifyPassword(
    username: string,
    password: string,
    ip?: string,
  ): Promise<{ actor: Actor; tokenVersion: number } | null> {
    const { user } = await this.checkPassword(username, password, { ip });
    return user ? { actor: await this.actorOf(user), tokenVersion: user.tokenVersion } : null;
  }

  /**
   * The user when the password is right, null when it is wrong; 429 while a limit that applies is
   * reached. A right password clears the username's count (from an unknown device) or the device's.
   */
  private async checkPassword(
    rawUsername: string,
    password: string,
    from: { ip?: string; deviceToken?: string },
  ): Promise<{ user: UserEntity | null; device?: KnownDevice }> {
    const username = rawUsername.trim().toLowerCase();
    const user = await this.users.findOneBy({ username });
    const device = user && from.deviceToken ? await this.knownDevice(user.id, from.deviceToken) : undefined;
    const address = addressKey(from.ip);
    if (device) {
      await this.countDeviceAttempt(device.id);
    } else {
      await this.countAddressAttempt(address);
      await this.countAttempt(username);
    }
    const canLogIn = !!user?.active && !user.deletedAt;
    const ok = await this.passwords.verify(canLogIn ? user.passwordHash : null, password);
    if (!ok || !user) return { user: null };
    await this.tx.run(async (em) => {
      if (device) {
        await em.query(
          'UPDATE login_devices SET failures = 0, window_started_at = NULL, last_login_at = CURRENT_TIMESTAMP(3) WHERE id = ?',
          [device.id],
        );
        return;
      }
      await em.query('DELETE FROM login_failures WHERE username = ?', [username.slice(0, 64)]);
      // The address limit counts failures only: a right password gives its attempt back.
      await em.query(
        'UPDATE login_address_failures SET failures = GREATEST(failures - 1, 0) WHERE address = ?',
        [address],
      );
    });
    return { user, device };
  }

  /** The device of this token, when it belongs to the user and was used within LOGIN_DEVICE_DAYS. */
  private async knownDevice(userId: string, token: string): Promise<KnownDevice | undefined> {
    if (token.length > 128) return undefined;
    const rows: Array<{ id: string }> = await this.users.manager.query(
      `SELECT id FROM login_devices
        WHERE token_hash = ? AND user_id = ? AND last_login_at > DATE_SUB(CURRENT_TIMESTAMP(3), INTERVAL ? DAY)`,
      [hashToken(token), userId, this.config.loginDeviceDays],
    );
    return rows[0] ? { id: rows[0].id, token } : undefined;
  }

  /** A new device for the user (after a right password from an unknown device); prunes old ones. */
  private async rememberDevice(userId: string): Promise<KnownDevice> {
    const token = `jfd_${randomBytes(32).toString('base64url')}`;
    const id = newId();
    await this.tx.run(async (em) => {
      await em.query(
        `INSERT INTO login_devices (id, user_id, token_hash, failures, window_started_at, created_at, last_login_at)
         VALUES (?, ?, ?, 0, NULL, CURRENT_TIMESTAMP(3), CURRENT_TIMESTAMP(3))`,
        [id, userId, hashToken(token)],
      );
      const stale: Array<{ id: string }> = await em.query(
        `SELECT id FROM login_devices WHERE user_id = ?
          ORDER BY last_login_at DESC, id DESC LIMIT 1000 OFFSET ${MAX_DEVICES_PER_USER}`,
        [userId],
      );
      await em.query(
        `DELETE FROM login_devices WHERE user_id = ?
           AND (last_login_at < DATE_SUB(CURRENT_TIMESTAMP(3), INTERVAL ? DAY)${stale.length ? ' OR id IN (?)' : ''})`,
        [userId, this.config.loginDeviceDays, ...(stale.length ? [stale.map((s) => s.id)] : [])],
      );
    });
    return { id, token };
  }

  /** Counts one attempt for the username within the window; throws 429 past the limit. */
  private async countAttempt(username: string): Promise<void> {
    const row = await this.bump('login_failures', 'username', username.slice(0, 64));
    if (row.failures > this.config.loginMaxFailures) throw tooManyAttempts(row.retryAfter, 'username');
  }

  /** Counts one attempt for the client address; given back by a right password. */
  private async countAddressAttempt(address: string): Promise<void> {
    const row = await this.bump('login_address_failures', 'address', address);
    if (row.failures > this.config.loginAddressMaxFailures) throw tooManyAttempts(row.retryAfter, 'address');
  }

  /** Counts one attempt on a known device's own count. */
  private async countDeviceAttempt(deviceId: string): Promise<void> {
    const w = this.config.loginWindowSeconds;
    const row = await this.tx.run(async (em) => {
      await em.query(
        `UPDATE login_devices SET
           failures = IF(window_started_at IS NULL OR window_started_at < DATE_SUB(CURRENT_TIMESTAMP(3), INTERVAL ? SECOND), 1, failures + 1),
           window_started_at = IF(window_started_at IS NULL OR window_started_at < DATE_SUB(CURRENT_TIMESTAMP(3), INTERVAL ? SECOND), CURRENT_TIMESTAMP(3), window_started_at)
         WHERE id = ?`,
        [w, w, deviceId],
      );
      const rows: Array<{ failures: number | string; retry_after: number | string }> = await em.query(
        `SELECT failures, GREATEST(1, ? - TIMESTAMPDIFF(SECOND, window_started_at, CURRENT_TIMESTAMP(3))) AS retry_after
           FROM login_devices WHERE id = ?`,
        [w, deviceId],
      );
      return rows[0];
    });
    if (row && Number(row.failures) > this.config.loginMaxFailures)
      throw tooManyAttempts(Number(row.retry_after), 'device');
  }

  /**
   * One more attempt in a counter row (`table` keyed by `column`), restarting the window when it
   * has passed; returns the count including this attempt. The upsert holds the row lock until the
   * commit, so the read that follows sees this attempt's own count.
   */
  private async bump(
    table: 'login_failures' | 'login_address_failures',
    column: 'username' | 'address',
    key: string,
  ): Promise<{ failures: number; retryAfter: number }> {
    const w = this.config.loginWindowSeconds;
    const row = await this.tx.run(async (em) => {
      await em.query(
        `INSERT INTO ${table} (${column}, failures, window_started_at) VALUES (?, 1, CURRENT_TIMESTAMP(3))
         ON DUPLICATE KEY UPDATE
           failures = IF(window_started_at < DATE_SUB(CURRENT_TIMESTAMP(3), INTERVAL ? SECOND), 1, failures + 1),
           window_started_at = IF(window_started_at < DATE_SUB(CURRENT_TIMESTAMP(3), INTERVAL ? SECOND), CURRENT_TIMESTAMP(3), window_started_at)`,
        [key, w, w],
      );
      const rows: Array<{ failures: number | string; retry_after: number | string }> = await em.query(
        `SELECT failures, GREATEST(1, ? - TIMESTAMPDIFF(SECOND, window_started_at, CURRENT_TIMESTAMP(3))) AS retry_after
           FROM ${table} WHERE ${column} = ?`,
        [w, key],
      );
      return rows[0];
    });
    return { failures: Number(row.failures), retryAfter: Number(row.retry_after) };
  }
}
