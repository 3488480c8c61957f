import { applyDecorators, ValidationError, ValidationPipe } from '@nestjs/common';
import type { FieldProblem } from './domain-error';
import { invalidFields } from './errors';
import { Type } from 'class-transformer';
import {
  buildMessage,
  IsObject,
  IsOptional as IsOptionalOrNull,
  ValidateBy,
  ValidateIf,
  ValidateNested,
  ValidationOptions,
} from 'class-validator';

export type { FieldProblem } from './domain-error';

/** Flattens nested class-validator errors to `a.b[0].c` field paths. */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const e of errors) {
    const field = prefix
      ? /^\d+$/.test(e.property)
        ? `${prefix}[${e.property}]`
        : `${prefix}.${e.property}`
      : e.property;
    if (e.constraints) out.push({ field, problems: Object.values(e.constraints) });
    if (e.children?.length) out.push(...flattenValidationErrors(e.children, field));
  }
  return out;
}

/** The pipe's and interceptors' refusal: the same error as `invalidFields` of `common/errors.ts`. */
export const validationFailed = invalidFields;

/** Rejects unknown and mistyped fields, naming each one; converts query strings to declared types. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => validationFailed(flattenValidationErrors(errors)),
  });
}

/** `YYYY-MM-DD`, a real calendar day, not after today (UTC). */
export function isPastCalendarDate(value: unknown): boolean {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value && d.getTime() <= Date.now();
}

/** A birth date and the like: a plain calendar day (no time), not in the future. */
export function IsPastCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isPastCalendarDate',
      validator: {
        validate: (value) => isPastCalendarDate(value),
        defaultMessage: buildMessage(
          (each) => `${each}$property must be a date YYYY-MM-DD that is not in the future`,
          options,
        ),
      },
    },
    options,
  );
}

/**
 * The field may be left out. `null` is refused ("must not be null") unless the field is `nullable`,
 * where null clears it: a null that reaches a NOT NULL column, or a service that reads "absent", is a
 * fault. Use this instead of class-validator's `IsOptional`, which lets null through.
 */
export function IsOptional(opts: { nullable?: boolean } = {}): PropertyDecorator {
  if (opts.nullable) return IsOptionalOrNull();
  return applyDecorators(
    ValidateIf((_o, v) => v !== undefined),
    ValidateBy({
      name: 'isNotNull',
      validator: {
        validate: (v) => v !== null,
        defaultMessage: buildMessage((each) => `${each}$property must not be null`),
      },
    }),
  );
}

/**
 * A nested object of `type` (with `each`: an array of them), validated field by field. Plain
 * `ValidateNested` lets arrays (and arrays of arrays) through where an object is declared.
 */
export function Nested(type: () => new () => object, opts: { each?: boolean } = {}): PropertyDecorator {
  const each = !!opts.each;
  return applyDecorators(
    IsObject({ each, message: each ? '$property must hold objects' : '$property must be an object' }),
    ValidateNested({ each }),
    Type(type),
  );
}
