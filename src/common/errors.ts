import { DomainError, ErrorCode, ErrorDetails, FieldProblem } from './domain-error';

/**
 * The one set of factories for expected outcomes. Every refusal a service or guard answers is a
 * `DomainError` built here, so a code's details have one shape (`ErrorDetailsByCode`) and its
 * message one wording.
 */

/** 400 VALIDATION_FAILED naming one field: `invalid('to', 'must not be before from')`. */
export const invalid = (field: string, problem: string): DomainError<'VALIDATION_FAILED'> =>
  invalidFields([{ field, problems: [problem] }]);

/** 400 VALIDATION_FAILED naming every field and its problems. */
export const invalidFields = (fields: FieldProblem[]): DomainError<'VALIDATION_FAILED'> =>
  new DomainError(
    'VALIDATION_FAILED',
    { fields },
    fields.map((f) => `${f.field}: ${f.problems.join(', ')}`).join('; '),
  );

/** 404 NOT_FOUND: an object the caller may not see answers the same as one that does not exist. */
export const notFound = (kind: string, id?: string): DomainError<'NOT_FOUND'> =>
  new DomainError('NOT_FOUND', id ? { [kind]: id } : {}, `${kind} not found`);

/** 403 FORBIDDEN with why. */
export const forbidden = (message: string, details: Record<string, unknown> = {}): DomainError<'FORBIDDEN'> =>
  new DomainError('FORBIDDEN', details, message);

/** 409 CONFLICT with why. */
export const conflict = (message: string, details: Record<string, unknown> = {}): DomainError<'CONFLICT'> =>
  new DomainError('CONFLICT', details, message);

/** 409 INVALID_STATE: the object is not in a state that allows this. */
export const invalidState = (
  message: string,
  details: Record<string, unknown> = {},
): DomainError<'INVALID_STATE'> => new DomainError('INVALID_STATE', details, message);

/** Any other expected outcome, with the details its code carries. */
export const refuse = <C extends ErrorCode>(code: C, details: ErrorDetails<C>, message?: string): DomainError<C> =>
  new DomainError(code, details, message);
