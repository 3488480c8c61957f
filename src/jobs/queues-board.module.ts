import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Injectable, MiddlewareConsumer, Module, NestMiddleware, NestModule } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import { AuthService } from '../identity/auth.service';
import { QueueRegistry } from './queue-registry.service';
import { QUEUES } from './queues';

export const QUEUES_BOARD_PATH = '/admin/queues';

/** Bull Board is for city administrators: a bearer token, or HTTP basic auth for a browser. */
@Injectable()
export class QueuesBoardAuth implements NestMiddleware {
  constructor(private readonly auth: AuthService) {}

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    const header = req.headers.authorization ?? '';
    let actor = null;
    try {
      if (header.startsWith('Bearer ')) actor = await this.auth.verifyToken(header.slice(7));
      else if (header.startsWith('Basic ')) {
        const [user, ...rest] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
        actor = await this.auth.verifyPassword(user, rest.join(':'));
      }
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
    next();
  }
}

@Module({ providers: [QueuesBoardAuth] })
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
