import {
  applyDecorators,
  createParamDecorator,
  ExecutionContext,
  Param,
  ParseUUIDPipe,
  PipeTransform,
  SetMetadata,
} from '@nestjs/common';
import { ApiExtension, ApiHeader, ApiParam } from '@nestjs/swagger';
import { Actor, Role } from './actor';
import { invalid, refuse } from './errors';

export const IS_PUBLIC = 'isPublic';
export const ROLES_KEY = 'roles';

/** The route needs no token. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/**
 * The route needs one of these roles (any authenticated user when absent). The OpenAPI document lists
 * them as `x-roles`.
 */
export const Roles = (...roles: Role[]) =>
  applyDecorators(SetMetadata(ROLES_KEY, roles), ApiExtension('x-roles', roles));

/** The authenticated caller. */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  return ctx.switchToHttp().getRequest().user as Actor;
});

const KEY_RE = /^[A-Za-z0-9._:-]{1,128}$/;

/** The `Idempotency-Key` header, if any; a malformed one is a 400. */
export const IdempotencyKey = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): string | undefined => {
    const v = ctx.switchToHttp().getRequest().headers['idempotency-key'];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || !KEY_RE.test(v)) {
      throw refuse(
        'VALIDATION_FAILED',
        {
          fields: [
            { field: 'Idempotency-Key', problems: ['must be 1-128 characters of A-Z a-z 0-9 . _ : -'] },
          ],
        },
        'Idempotency-Key: malformed',
      );
    }
    return v;
  },
);

export const ApiIdempotencyKey = () =>
  ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'same key + same body returns the first response',
  });

const badParam = (name: string, problem: string) => invalid(name, problem);

/** A path parameter with its pipe, typed in the OpenAPI document by `schema`. */
const typedParam =
  (name: string, schema: Record<string, unknown>, pipe: PipeTransform): ParameterDecorator =>
  (target, key, index) => {
    Param(name, pipe)(target, key, index);
    if (key === undefined) return;
    const descriptor = Object.getOwnPropertyDescriptor(target, key)!;
    ApiParam({ name, required: true, schema })(target, key, descriptor);
  };

/** A UUID path parameter; anything else is a 400 naming the parameter. */
export const IdParam = (name = 'id') =>
  typedParam(
    name,
    { type: 'string', format: 'uuid' },
    new ParseUUIDPipe({ exceptionFactory: () => badParam(name, 'must be a UUID') }),
  );

/** An integer path parameter within [min, max] (a year); anything else is a 400 naming it. */
export const IntParam = (name: string, min: number, max: number) =>
  typedParam(
    name,
    { type: 'integer', minimum: min, maximum: max },
    {
      transform: (value: unknown) => {
        // The global ValidationPipe may already have made it a number (the handler declares one).
        const text = typeof value === 'number' ? String(value) : value;
        const n = typeof text === 'string' && /^\d{1,9}$/.test(text) ? Number(text) : NaN;
        if (!(n >= min && n <= max)) throw badParam(name, `must be an integer from ${min} to ${max}`);
        return n;
      },
    },
  );
