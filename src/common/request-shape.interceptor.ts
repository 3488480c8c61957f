import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { refuse } from './errors';
import { FieldProblem, validationFailed } from './validation';

// Nest's RouteParamtypes (not exported from the package index).
const REQUEST = 0;
const BODY = 3;
const QUERY = 4;
const RAW_BODY = 12;
/** Where @ApiConsumes keeps its media types (@nestjs/swagger's DECORATORS.API_CONSUMES). */
const API_CONSUMES = 'swagger/apiConsumes';

interface RouteShape {
  /** The handler reads a body (@Body, or the raw request: the CSV import). */
  takesBody: boolean;
  /** Media types of that body. */
  consumes: string[];
  /** The handler validates the whole query with a DTO (which refuses unknown keys itself). */
  queryDto: boolean;
  /** Query keys read one by one (`@Query('regionId')`). */
  queryKeys: string[];
}

const shapes = new WeakMap<object, RouteShape>();

function shapeOf(ctx: ExecutionContext): RouteShape {
  const handler = ctx.getHandler();
  let shape = shapes.get(handler);
  if (shape) return shape;
  const args: Record<string, { data?: unknown }> =
    Reflect.getMetadata(ROUTE_ARGS_METADATA, ctx.getClass(), handler.name) ?? {};
  const params = Object.entries(args).map(([key, v]) => ({ type: Number(key.split(':')[0]), data: v.data }));
  shape = {
    takesBody: params.some((p) => p.type === BODY || p.type === REQUEST || p.type === RAW_BODY),
    consumes: Reflect.getMetadata(API_CONSUMES, handler) ?? ['application/json'],
    queryDto: params.some((p) => p.type === QUERY && p.data === undefined),
    queryKeys: params
      .filter((p) => p.type === QUERY && typeof p.data === 'string')
      .map((p) => p.data as string),
  };
  shapes.set(handler, shape);
  return shape;
}

const hasBytes = (req: Request) =>
  req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

const consumed = (contentType: string | undefined, consumes: string[]): boolean => {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return consumes.some(
    (c) => c === type || (c === 'application/json' && /^application\/[\w.+-]+\+json$/.test(type)),
  );
};

/**
 * What every route refuses before its pipes run (after the guards, so 401/403 come first):
 * - a body in a media type the route does not take: 415 UNSUPPORTED_MEDIA_TYPE;
 * - a body on a route that takes none (`POST /redemptions/keys/rotate`, `DELETE ...`): 400
 *   VALIDATION_FAILED naming its fields (`{}` and an empty body are fine);
 * - on routes without a query DTO: unknown query keys, and repeated ones (arrays where a single
 *   value is read): 400 VALIDATION_FAILED naming them. Query DTOs refuse those themselves.
 */
@Injectable()
export class RequestShapeInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const req = ctx.switchToHttp().getRequest<Request>();
    const shape = shapeOf(ctx);
    if (req.method !== 'GET' && req.method !== 'HEAD' && hasBytes(req)) this.checkBody(req, shape);
    if (!shape.queryDto) this.checkQuery(req, shape);
    return next.handle();
  }

  private checkBody(req: Request, shape: RouteShape): void {
    if (shape.takesBody) {
      if (!consumed(req.headers['content-type'], shape.consumes))
        throw refuse(
          'UNSUPPORTED_MEDIA_TYPE',
          { contentType: req.headers['content-type'] ?? null, expected: shape.consumes },
          `the request body must be ${shape.consumes.join(' or ')}`,
        );
      return;
    }
    const body: unknown = req.body;
    if (body && typeof body === 'object' && !Array.isArray(body)) {
      const keys = Object.keys(body);
      if (!keys.length) return;
      throw validationFailed(keys.map((k) => ({ field: k, problems: [`property ${k} should not exist`] })));
    }
    throw validationFailed([{ field: 'body', problems: ['this operation takes no request body'] }]);
  }

  private checkQuery(req: Request, shape: RouteShape): void {
    const query = (req.query ?? {}) as Record<string, unknown>;
    const problems: FieldProblem[] = [];
    for (const [k, v] of Object.entries(query)) {
      if (!shape.queryKeys.includes(k))
        problems.push({ field: k, problems: [`property ${k} should not exist`] });
      else if (typeof v !== 'string') problems.push({ field: k, problems: [`${k} must be given once`] });
    }
    if (problems.length) throw validationFailed(problems);
  }
}
