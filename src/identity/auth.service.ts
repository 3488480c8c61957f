import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { Repository } from 'typeorm';
import { Actor } from '../common/actor';
import { refuse } from '../common/errors';
import { newId } from '../common/ids';
import { APP_CONFIG, AppConfig } from '../config/configuration';
import { TransactionService } from '../database/transaction.service';
import { RegionsService } from '../regions/regions.service';
import { LoginDto } from './dto/identity.dto';
import { UserEntity } from './entities/user.entity';
import { AttemptCount, LoginAttemptsRepository } from './login-attempts.repository';
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
    private readonly attempts: LoginAttemptsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async login(dto: LoginDto, ip?: string) {
    const { user, device } = await this.checkPassword(dto.username, dto.password, {
      ip,
      deviceToken: dto.deviceToken,
    });
    if (!user) throw refuse('INVALID_CREDENTIALS', {}, 'wrong username or password');
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
    await this.tx.run((em) =>
      device ? this.attempts.deviceLoggedIn(em, device.id) : this.attempts.succeeded(em, username, address),
    );
    return { user, device };
  }

  /** The device of this token, when it belongs to the user and was used within LOGIN_DEVICE_DAYS. */
  private async knownDevice(userId: string, token: string): Promise<KnownDevice | undefined> {
    if (token.length > 128) return undefined;
    const id = await this.attempts.recentDevice(
      this.users.manager,
      userId,
      hashToken(token),
      this.config.loginDeviceDays,
    );
    return id ? { id, token } : undefined;
  }

  /** A new device for the user (after a right password from an unknown device); prunes old ones. */
  private async rememberDevice(userId: string): Promise<KnownDevice> {
    const token = `jfd_${randomBytes(32).toString('base64url')}`;
    const id = newId();
    await this.tx.run((em) =>
      this.attempts.rememberDevice(
        em,
        { id, userId, tokenHash: hashToken(token) },
        { days: this.config.loginDeviceDays, keep: MAX_DEVICES_PER_USER },
      ),
    );
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
    const row = await this.tx.run((em) =>
      this.attempts.bumpDevice(em, deviceId, this.config.loginWindowSeconds),
    );
    if (row && row.failures > this.config.loginMaxFailures) throw tooManyAttempts(row.retryAfter, 'device');
  }

  private bump(
    table: 'login_failures' | 'login_address_failures',
    column: 'username' | 'address',
    key: string,
  ): Promise<AttemptCount> {
    return this.tx.run((em) =>
      this.attempts.bump(em, { table, column, key }, this.config.loginWindowSeconds),
    );
  }
}
