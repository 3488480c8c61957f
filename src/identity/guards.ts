import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ThrottlerGuard } from '@nestjs/throttler';
import { createSecretKey } from 'node:crypto';
import { Passport } from 'passport';
import { ExtractJwt, Strategy as JwtStrategy, VerifiedCallback } from 'passport-jwt';
import { Actor, Role } from '../common/actor';
import { IS_PUBLIC, ROLES_KEY } from '../common/decorators';
import { dependencyFault } from '../common/dependency-faults';
import { forbidden, refuse } from '../common/errors';
import { AuthService, JwtClaims } from './auth.service';
import { JWT_SECRET } from './jwt-secret';

/**
 * Every route needs a valid token unless marked @Public(): a well-signed, unexpired HS256 bearer
 * token (passport-jwt) whose user is still active and unchanged since it was issued
 * (AuthService.actorFromClaims: token version, status, deletion); 401 UNAUTHORIZED otherwise. A
 * fault while checking (the database is down) answers as that fault (503), not as a logout.
 *
 * The strategy lives in a Passport instance of this app, not in passport's process-wide default:
 * two apps in one process (tests, tools) each check tokens against their own secret and cache.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  private readonly passport = new Passport();

  constructor(
    private readonly reflector: Reflector,
    auth: AuthService,
    @Inject(JWT_SECRET) secret: string,
  ) {
    this.passport.use(
      'jwt',
      new JwtStrategy(
        {
          jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
          // A KeyObject, not the text secret: jsonwebtoken would otherwise build one per request.
          secretOrKey: createSecretKey(Buffer.from(secret, 'utf8')) as never,
          algorithms: ['HS256'],
        },
        (claims: JwtClaims, done: VerifiedCallback) => {
          auth.actorFromClaims(claims).then(
            (actor) => done(null, actor ?? false),
            (err: unknown) => done(err),
          );
        },
      ),
    );
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [ctx.getHandler(), ctx.getClass()]);
    if (isPublic) return true;
    const http = ctx.switchToHttp();
    const req = http.getRequest<{ user?: Actor }>();
    const actor = await new Promise<Actor | false>((resolve, reject) => {
      const authenticate = this.passport.authenticate(
        'jwt',
        { session: false },
        (err: unknown, user: Actor | false) => (err ? reject(err) : resolve(user)),
      ) as (req: unknown, res: unknown, next: (err?: unknown) => void) => void;
      authenticate(req, http.getResponse(), reject);
    }).catch((err: unknown) => {
      throw dependencyFault(err) ?? err;
    });
    if (!actor) throw refuse('UNAUTHORIZED', {}, 'a valid bearer token is required');
    req.user = actor;
    return true;
  }
}

/** @Roles(...) on a route or controller: the caller needs one of them. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(ctx: ExecutionContext): boolean {
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [
      ctx.getHandler(),
      ctx.getClass(),
    ]);
    if (!roles?.length) return true;
    const actor = ctx.switchToHttp().getRequest().user as Actor | undefined;
    if (!actor || !actor.roles.some((r) => roles.includes(r))) {
      throw forbidden('your role does not allow this', { requiredRoles: roles });
    }
    return true;
  }
}

/** Rate limits per authenticated user; anonymous calls per address (login has its own per-username limit). */
@Injectable()
export class UserThrottlerGuard extends ThrottlerGuard {
  protected async getTracker(req: Record<string, any>): Promise<string> {
    return req.user?.id ? `user:${req.user.id}` : `ip:${req.ip}`;
  }
}
