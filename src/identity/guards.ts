import { ExecutionContext, Injectable } from '@nestjs/common';
import { CanActivate } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { ThrottlerGuard } from '@nestjs/throttler';
import { Actor, Role } from '../common/actor';
import { IS_PUBLIC, ROLES_KEY } from '../common/decorators';
import { DomainError } from '../common/domain-error';

/** Every route needs a valid token unless marked @Public(). */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  canActivate(ctx: ExecutionContext) {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [ctx.getHandler(), ctx.getClass()]);
    return isPublic ? true : super.canActivate(ctx);
  }

  /**
   * No token, a bad one, or one whose user is gone, disabled or changed since: 401. A fault while
   * checking (the database is down) is thrown as it is, so it answers as a fault, not as a logout.
   */
  handleRequest<T>(err: unknown, user: T): T {
    if (err) throw err;
    if (!user) throw new DomainError('UNAUTHORIZED', {}, 'a valid bearer token is required');
    return user;
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
      throw new DomainError('FORBIDDEN', { requiredRoles: roles }, 'your role does not allow this');
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
