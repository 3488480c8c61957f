import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  DynamicModule,
  Global,
  Inject,
  Injectable,
  LoggerService,
  MiddlewareConsumer,
  Module,
  NestModule,
  RequestMethod,
} from '@nestjs/common';
import type { Logger as Pino } from 'pino';
import { pinoHttp, type HttpLogger, type Options as PinoHttpOptions } from 'pino-http';

// Structured JSON logs through pino, for Nest's own logger and for every HTTP request (pino-http),
// with the request's logger (request id, method, url) bound to what is logged while it is served.
// This is the part of `nestjs-pino` the application used; that package declares Node >= 22 from
// 5.0 on (the app runs on Node 20.19+) and its 4.x line is built for Nest 11.

export interface LoggerParams {
  /** pino-http's options: the pino options (level, redact, serializers, ...) and the HTTP ones. */
  pinoHttp: PinoHttpOptions;
}

export interface LoggerModuleAsyncParams {
  inject?: Array<string | symbol | (abstract new (...args: never[]) => unknown)>;
  useFactory: (...args: never[]) => LoggerParams | Promise<LoggerParams>;
}

const PARAMS = Symbol('LOGGER_PARAMS');
const HTTP_LOGGER = Symbol('HTTP_LOGGER');

/** The logger of the request being served (set by the middleware for the rest of its handling). */
const requestLogger = new AsyncLocalStorage<Pino>();

type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/**
 * Nest's `LoggerService` on pino: `app.useLogger(app.get(Logger))` sends every `new Logger(ctx)`
 * of `@nestjs/common` here. Inside a request it logs through that request's child logger.
 */
@Injectable()
export class Logger implements LoggerService {
  private readonly root: Pino;

  constructor(@Inject(HTTP_LOGGER) http: HttpLogger) {
    this.root = http.logger;
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.call('trace', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.call('debug', message, params);
  }
  log(message: unknown, ...params: unknown[]): void {
    this.call('info', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.call('warn', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.call('error', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.call('fatal', message, params);
  }

  /** Nest passes the context (the `Logger`'s name) as the last parameter. */
  private call(level: Level, message: unknown, params: unknown[]): void {
    const log = requestLogger.getStore() ?? this.root;
    const fields: Record<string, unknown> = {};
    let rest = params;
    if (params.length) {
      fields.context = params[params.length - 1];
      rest = params.slice(0, -1);
    }
    if (message instanceof Error) {
      fields.err = message;
      log[level](fields, message.message, ...rest);
    } else if (typeof message === 'object' && message !== null) {
      log[level]({ ...fields, ...message }, ...(rest as []));
    } else if (
      level === 'error' &&
      rest.length === 1 &&
      typeof rest[0] === 'string' &&
      /\n\s*at /.test(rest[0])
    ) {
      // Nest's exception handlers call error(message, stack, context).
      const err = new Error(String(message));
      err.stack = rest[0];
      log[level]({ ...fields, err }, String(message));
    } else {
      log[level](fields, String(message), ...rest);
    }
  }
}

@Global()
@Module({})
export class LoggerModule implements NestModule {
  constructor(@Inject(HTTP_LOGGER) private readonly http: HttpLogger) {}

  static forRootAsync(params: LoggerModuleAsyncParams): DynamicModule {
    return {
      module: LoggerModule,
      providers: [
        { provide: PARAMS, inject: params.inject ?? [], useFactory: params.useFactory },
        { provide: HTTP_LOGGER, inject: [PARAMS], useFactory: (p: LoggerParams) => pinoHttp(p.pinoHttp) },
        Logger,
      ],
      exports: [Logger],
    };
  }

  /** Every route, under the global prefix and those taken out of it (`/health`, Bull Board). */
  configure(consumer: MiddlewareConsumer): void {
    const http = this.http;
    consumer
      .apply((req: IncomingMessage & { log?: Pino }, res: ServerResponse, next: () => void) => {
        http(req, res);
        requestLogger.run(req.log ?? http.logger, next);
      })
      .forRoutes({ path: '/{*splat}', method: RequestMethod.ALL });
  }
}
