import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { dependencyFault } from './dependency-faults';
import { DomainError, ErrorCode } from './domain-error';

interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details: Record<string, unknown>;
  requestId?: string;
}

const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
};

/** Maps every error to `{statusCode, code, message, details}`; faults answer 500 without internals. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly log = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request & { id?: string }>();
    // A dependency that is down (database, Redis) answers 503 with Retry-After, not a 500.
    const fault = dependencyFault(exception);
    const body = this.toBody(fault ?? exception, req);
    if (fault) {
      this.log.warn(
        { requestId: req.id, err: { message: (exception as Error)?.message } },
        `${fault.code} on ${req.method} ${req.url}`,
      );
    } else if (body.statusCode >= 500) {
      this.log.error({ err: exception, requestId: req.id }, `unhandled error on ${req.method} ${req.url}`);
    }
    if (res.headersSent) return;
    const retryAfter = body.details.retryAfterSeconds;
    if ((body.statusCode === 429 || body.statusCode === 503) && typeof retryAfter === 'number')
      res.setHeader('Retry-After', String(retryAfter));
    // A route may have set its own media type (image/png, text/csv) before it failed.
    res.removeHeader('Content-Disposition');
    res.status(body.statusCode).type('application/json').json(body);
  }

  private bodyParserError(exception: unknown, requestId: string | undefined): ErrorBody | null {
    const raw = exception instanceof HttpException ? exception.cause : exception;
    const e = raw as { type?: string; limit?: number; field?: string; maxDepth?: number } | undefined;
    if (e?.type === 'entity.too.deep') {
      const problem = `nested deeper than ${e.maxDepth} levels`;
      return {
        statusCode: 400,
        code: 'JSON_TOO_DEEP',
        message: `${e.field ? `${e.field}: ` : ''}the request body is ${problem}`,
        details: { maxDepth: e.maxDepth, fields: [{ field: e.field || 'body', problems: [problem] }] },
        requestId,
      };
    }
    if (e?.type === 'entity.parse.failed') {
      return {
        statusCode: 400,
        code: 'MALFORMED_JSON',
        message: 'the request body is not valid JSON',
        details: {},
        requestId,
      };
    }
    if (e?.type === 'entity.too.large') {
      return {
        statusCode: 413,
        code: 'PAYLOAD_TOO_LARGE',
        message: 'the request body is too large',
        details: e.limit ? { limitBytes: e.limit } : {},
        requestId,
      };
    }
    if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') {
      return {
        statusCode: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: 'the request body uses an unsupported charset or encoding',
        details: {},
        requestId,
      };
    }
    return null;
  }

  private toBody(exception: unknown, req: Request & { id?: string }): ErrorBody {
    const requestId = req.id ? String(req.id) : undefined;
    if (exception instanceof DomainError) {
      return {
        statusCode: exception.status,
        code: exception.code,
        message: exception.message,
        details: exception.details,
        requestId,
      };
    }
    if (exception instanceof ThrottlerException) {
      return {
        statusCode: 429,
        code: 'TOO_MANY_REQUESTS',
        message: 'too many requests',
        details: {},
        requestId,
      };
    }
    // Express's body parser fails before Nest sees the request; Nest's adapter wraps its errors in
    // an HttpException (cause = the parser's error), older adapters pass them on as they are.
    const parserError = this.bodyParserError(exception, requestId);
    if (parserError) return parserError;
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const resp = exception.getResponse() as
        string | { message?: unknown; code?: string; details?: Record<string, unknown> };
      if (typeof resp === 'object' && resp.code) {
        return {
          statusCode: status,
          code: resp.code,
          message: String(resp.message ?? resp.code),
          details: resp.details ?? {},
          requestId,
        };
      }
      const message =
        typeof resp === 'string'
          ? resp
          : Array.isArray(resp.message)
            ? resp.message.join('; ')
            : String(resp.message ?? exception.message);
      return {
        statusCode: status,
        code: STATUS_CODES[status] ?? 'BAD_REQUEST',
        message,
        details: {},
        requestId,
      };
    }
    const e = exception as { type?: string; status?: number; statusCode?: number; message?: string };
    if (e?.type && (e.status ?? e.statusCode) && (e.status ?? e.statusCode)! < 500) {
      const status = (e.status ?? e.statusCode)!;
      return {
        statusCode: status,
        code: STATUS_CODES[status] ?? 'BAD_REQUEST',
        message: e.message ?? 'bad request',
        details: {},
        requestId,
      };
    }
    return {
      statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
      code: 'INTERNAL_ERROR',
      message: 'internal error; quote the request id when reporting it',
      details: {},
      requestId,
    };
  }
}
