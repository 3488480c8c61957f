import { ExecutionContext, Injectable } from '@nestjs/common';
import { CanActivate } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ThrottlerGuard } from '@nestjs/throttler';
import { Actor, Role } from '../common/actor';
import { IS_PUBLIC, ROLES_KEY } from '../common/decorators';
import { DomainError } from '../common/domain-error';
import { AuthService } from './auth.service';

/**
 * Every route needs a valid token unless marked @Public(): a well-signed, unexpired HS256 bearer
 * token whose user is still active and unchanged since it was issued (AuthService.verifyToken);
 * 401 UNAUTHORIZED otherwise. A fault while checking (the database is down) is thrown as it is, so
 * it answers as a fault, not as a logout.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [ctx.getHandler(), ctx.getClass()]);
    if (isPublic) return true;
    const req = ctx.switchToHttp().getRequest<{ headers: Record<string, unknown>; user?: Actor }>();
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    const actor = match ? await this.auth.verifyToken(match[1]) : null;
    if (!actor) throw new DomainError('UNAUTHORIZED', {}, 'a valid bearer token is required');
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
