import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Injectable, MiddlewareConsumer, Module, NestMiddleware, NestModule } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import { createHash } from 'node:crypto';
import type { Actor } from '../common/actor';
import { AuthService } from '../identity/auth.service';
import { IdentityModule } from '../identity/identity.module';
import { UserStateService } from '../identity/user-state.service';
import { QueueRegistry } from './queue-registry.service';
import { QUEUES } from './queues';
import { RedisProbe } from './redis-probe.service';

export const QUEUES_BOARD_PATH = '/admin/queues';

/** How long a checked basic-auth header is trusted without checking the password again. */
const BASIC_TTL_MS = 60_000;

/** Bull Board is for city administrators: a bearer token, or HTTP basic auth for a browser. */
@Injectable()
export class QueuesBoardAuth implements NestMiddleware {
  /**
   * A browser sends the basic-auth header with every asset and every poll of the board: checking
   * the password each time would cost an argon2 hash per request, and a page's parallel requests
   * would count as a burst of login attempts. A header that passed stays trusted for a minute.
   */
  private readonly basicOk = new Map<string, { userId: string; tokenVersion: number; until: number }>();

  constructor(
    private readonly auth: AuthService,
    private readonly redis: RedisProbe,
    private readonly states: UserStateService,
  ) {}

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    const header = req.headers.authorization ?? '';
    let actor: Actor | null = null;
    try {
      if (header.startsWith('Bearer ')) actor = await this.auth.verifyToken(header.slice(7));
      else if (header.startsWith('Basic ')) actor = await this.basic(header, req.ip);
    } catch (err) {
      return next(err);
    }
    if (!actor) {
      res.setHeader('WWW-Authenticate', 'Basic realm="Jifen Market queues", charset="UTF-8"');
      res.status(401).json({
        statusCode: 401,
        code: 'UNAUTHORIZED',
        message: 'log in as a city administrator',
        details: {},
      });
      return;
    }
    if (!actor.roles.includes('city_admin')) {
      res
        .status(403)
        .json({ statusCode: 403, code: 'FORBIDDEN', message: 'city administrators only', details: {} });
      return;
    }
    // The board reads everything from Redis: while it is down, say so at once (503, Retry-After).
    try {
      await this.redis.assertUp();
    } catch (err) {
      return next(err);
    }
    next();
  }

  /**
   * A trusted header still needs its user as it was when the password was checked (active, same
   * token version): disabling the user or changing their password ends it like it ends tokens.
   */
  private async basic(header: string, ip?: string): Promise<Actor | null> {
    const key = createHash('sha256').update(header).digest('hex');
    const now = Date.now();
    const hit = this.basicOk.get(key);
    if (hit && hit.until > now) {
      const actor = await this.states.actorFor(hit.userId, hit.tokenVersion);
      if (actor) return actor;
      this.basicOk.delete(key);
    }
    const [user, ...rest] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
    const checked = await this.auth.verifyPassword(user, rest.join(':'), ip);
    if (!checked) return null;
    if (this.basicOk.size > 1000) this.basicOk.clear();
    this.basicOk.set(key, {
      userId: checked.actor.id,
      tokenVersion: checked.tokenVersion,
      until: now + BASIC_TTL_MS,
    });
    return checked.actor;
  }
}

@Module({ imports: [IdentityModule], providers: [QueuesBoardAuth] })
export class QueuesBoardModule implements NestModule {
  constructor(private readonly moduleRef: ModuleRef) {}

  configure(consumer: MiddlewareConsumer): void {
    const adapter = new ExpressAdapter();
    adapter.setBasePath(QUEUES_BOARD_PATH);
    // The producer-side queues fail fast while Redis is down (the BullModule ones wait for it
    // forever, which would hang every dashboard request during an outage).
    const registry = this.moduleRef.get(QueueRegistry, { strict: false });
    createBullBoard({
      queues: Object.values(QUEUES).map((name) => new BullMQAdapter(registry.get(name))),
      serverAdapter: adapter,
      options: { uiConfig: { boardTitle: 'Jifen Market jobs' } },
    });
    consumer
      .apply(QueuesBoardAuth, adapter.getRouter())
      .forRoutes(QUEUES_BOARD_PATH, `${QUEUES_BOARD_PATH}/*path`);
  }
}
