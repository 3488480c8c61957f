import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Actor } from '../common/actor';
import { DomainError } from '../common/domain-error';
import { APP_CONFIG, AppConfig } from '../config/configuration';
import { TransactionService } from '../database/transaction.service';
import { RegionsService } from '../regions/regions.service';
import { LoginDto } from './dto/identity.dto';
import { UserEntity } from './entities/user.entity';
import { PasswordService } from './password.service';

export interface JwtClaims {
  sub: string;
  usr: string;
  name: string;
  roles: Actor['roles'];
  rid: string | null;
  rp: string | null;
  oid: string | null;
}

/**
 * Login with a per-username limit on failures, kept in the database so that every API replica sees
 * the same count and no single address (a shared terminal) is ever blocked for everyone.
 */
@Injectable()
export class AuthService {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly passwords: PasswordService,
    private readonly jwt: JwtService,
    private readonly regions: RegionsService,
    private readonly tx: TransactionService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async login(dto: LoginDto) {
    const user = await this.checkPassword(dto.username, dto.password);
    if (!user) throw new DomainError('INVALID_CREDENTIALS', {}, 'wrong username or password');
    const actor = await this.actorOf(user);
    const accessToken = await this.jwt.signAsync(this.claimsOf(actor));
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
    };
  }

  async actorOf(user: UserEntity): Promise<Actor> {
    const region = user.regionId ? await this.regions.get(user.regionId) : null;
    return {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      roles: user.roles,
      regionId: user.regionId,
      regionPath: region?.path ?? null,
      organizationId: user.organizationId,
    };
  }

  claimsOf(a: Actor): JwtClaims {
    return {
      sub: a.id,
      usr: a.username,
      name: a.displayName,
      roles: a.roles,
      rid: a.regionId,
      rp: a.regionPath,
      oid: a.organizationId,
    };
  }

  actorFromClaims(c: JwtClaims): Actor {
    return {
      id: c.sub,
      username: c.usr,
      displayName: c.name,
      roles: c.roles,
      regionId: c.rid,
      regionPath: c.rp,
      organizationId: c.oid,
    };
  }

  /** Verifies a token outside passport (Bull Board). */
  async verifyToken(token: string): Promise<Actor | null> {
    try {
      return this.actorFromClaims(await this.jwt.verifyAsync<JwtClaims>(token));
    } catch {
      return null;
    }
  }

  /** Verifies username and password without issuing a token (Bull Board's basic auth). */
  async verifyPassword(username: string, password: string): Promise<Actor | null> {
    const user = await this.checkPassword(username, password);
    return user ? this.actorOf(user) : null;
  }

  /**
   * The user when the password is right, null when it is wrong; 429 while the username is locked.
   * The attempt is counted *before* the password is checked, in one atomic upsert, so that a burst
   * of concurrent guesses cannot all slip past the limit; a right password clears the count.
   */
  private async checkPassword(rawUsername: string, password: string): Promise<UserEntity | null> {
    const username = rawUsername.trim().toLowerCase();
    await this.countAttempt(username);
    const user = await this.users.findOneBy({ username });
    const ok = await this.passwords.verify(user?.active ? user.passwordHash : null, password);
    if (!ok || !user) return null;
    await this.tx.run((em) =>
      em.query('DELETE FROM login_failures WHERE username = ?', [username.slice(0, 64)]),
    );
    return user;
  }

  /** Counts one attempt for the username within the window; throws 429 past the limit. */
  private async countAttempt(username: string): Promise<void> {
    const key = username.slice(0, 64);
    const windowSeconds = this.config.loginWindowSeconds;
    const row = await this.tx.run(async (em) => {
      await em.query(
        `INSERT INTO login_failures (username, failures, window_started_at) VALUES (?, 1, CURRENT_TIMESTAMP(3))
         ON DUPLICATE KEY UPDATE
           failures = IF(window_started_at < DATE_SUB(CURRENT_TIMESTAMP(3), INTERVAL ? SECOND), 1, failures + 1),
           window_started_at = IF(window_started_at < DATE_SUB(CURRENT_TIMESTAMP(3), INTERVAL ? SECOND), CURRENT_TIMESTAMP(3), window_started_at)`,
        [key, windowSeconds, windowSeconds],
      );
      // The upsert holds the row lock until commit, so this reads this attempt's own count.
      const rows: Array<{ failures: number | string; retry_after: number | string }> = await em.query(
        `SELECT failures, GREATEST(1, ? - TIMESTAMPDIFF(SECOND, window_started_at, CURRENT_TIMESTAMP(3))) AS retry_after
           FROM login_failures WHERE username = ?`,
        [windowSeconds, key],
      );
      return rows[0];
    });
    if (Number(row.failures) > this.config.loginMaxFailures) {
      throw new DomainError(
        'TOO_MANY_ATTEMPTS',
        { retryAfterSeconds: Number(row.retry_after) },
        'too many failed logins; try again later',
      );
    }
  }
}
