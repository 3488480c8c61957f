import { ApiExtension, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';
import { ERROR_STATUS, ErrorCode } from './domain-error';

/** The one error shape of every 4xx and 5xx answer. */
export class ErrorResponse {
  @ApiProperty({ type: 'integer', example: 409, description: 'the HTTP status, repeated' })
  statusCode: number;

  @ApiProperty({ example: 'INSUFFICIENT_POINTS', description: 'stable code: clients branch on it' })
  code: string;

  @ApiProperty({ example: 'not enough points', description: 'for people; may change' })
  message: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'facts about the error; validation errors: `{fields: [{field, problems}]}`',
  })
  details: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'the request’s X-Request-Id (quote it when reporting a fault)' })
  requestId?: string;
}

const ERROR_CODES_KEY = 'x-error-codes';

/**
 * The error codes an operation answers beyond those every operation may answer (VALIDATION_FAILED,
 * UNAUTHORIZED, FORBIDDEN for role-bound routes, NOT_FOUND for path ids, ...), which
 * `finishDocument` adds. Each status gets a response with the error schema and its codes as `enum`.
 */
export const ApiErrors = (...codes: ErrorCode[]) => ApiExtension(ERROR_CODES_KEY, codes);

const STATUS_TEXT: Record<number, string> = {
  400: 'The request is malformed or a field is invalid',
  401: 'No valid bearer token',
  403: 'The caller may not do this',
  404: 'Not found (or outside the caller’s scope)',
  409: 'The object’s state does not allow it',
  410: 'Gone: expired or cancelled',
  413: 'The body is too large',
  415: 'The body’s media type or charset is not taken here',
  422: 'Understood but not processable',
  429: 'Too many requests',
  500: 'An unexpected fault',
  503: 'A dependency is unavailable; retry later',
};

const codesWithStatus = (status: number) =>
  (Object.keys(ERROR_STATUS) as ErrorCode[]).filter((c) => ERROR_STATUS[c] === status);

/** The codes every operation of this kind may answer. */
function commonCodes(op: Record<string, any>): ErrorCode[] {
  const codes: ErrorCode[] = [
    'VALIDATION_FAILED',
    'MALFORMED_JSON',
    'JSON_TOO_DEEP',
    'PAYLOAD_TOO_LARGE',
    'UNSUPPORTED_MEDIA_TYPE',
    'INTERNAL_ERROR',
    ...codesWithStatus(503),
  ];
  if (op.security?.length) codes.push('UNAUTHORIZED', 'TOO_MANY_REQUESTS');
  if (op['x-roles']?.length) codes.push('FORBIDDEN');
  if ((op.parameters ?? []).some((p: { in: string }) => p.in === 'path')) codes.push('NOT_FOUND');
  return codes;
}

/**
 * Completes the generated document: every operation's error responses (the shared error schema, its
 * codes by status), and request schemas typed from the class-validator rules of their DTOs (formats,
 * bounds, lengths, enums, patterns), so the document says what validation enforces.
 */
export function finishDocument(doc: OpenAPIObject): OpenAPIObject {
  const validators = validatorIndex();
  for (const [name, schema] of Object.entries(doc.components?.schemas ?? {}))
    enrichSchema(schema as Schema, validators.get(name));
  for (const item of Object.values(doc.paths))
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const op = (item as Record<string, any>)[method];
      if (!op) continue;
      // Decorators of other libraries (terminus) put a schema where OpenAPI 3 has `content`.
      for (const r of Object.values<Record<string, any>>(op.responses ?? {}))
        if (r.schema) {
          r.content ??= { 'application/json': { schema: r.schema } };
          delete r.schema;
        }
      // A public operation says so (`security: []`) instead of leaving it unsaid.
      op.security ??= [];
      enrichQuery(op, validators);
      const codes = [...new Set([...commonCodes(op), ...((op[ERROR_CODES_KEY] as ErrorCode[]) ?? [])])];
      delete op[ERROR_CODES_KEY];
      const byStatus = new Map<number, ErrorCode[]>();
      for (const c of codes) byStatus.set(ERROR_STATUS[c], [...(byStatus.get(ERROR_STATUS[c]) ?? []), c]);
      for (const [status, list] of [...byStatus].sort((a, b) => a[0] - b[0])) {
        op.responses[String(status)] = {
          description: `${STATUS_TEXT[status] ?? 'Error'}: ${list.join(', ')}`,
          content: {
            'application/json': {
              schema: {
                allOf: [
                  { $ref: '#/components/schemas/ErrorResponse' },
                  { type: 'object', properties: { code: { type: 'string', enum: list } } },
                ],
              },
            },
          },
        };
      }
    }
  return doc;
}

// ---- Request schemas from class-validator -----------------------------------------------------------

type Schema = Record<string, any>;
interface Rule {
  name?: string;
  constraints?: unknown[];
  each?: boolean;
}
type Rules = Map<string, Rule[]>;

/** Class name → property → its validation rules (inherited ones included). */
function validatorIndex(): Map<string, Rules> {
  type Target = abstract new (...args: never[]) => unknown;
  const storage = getMetadataStorage() as unknown as {
    validationMetadatas: Map<Target, Array<Rule & { propertyName: string }>>;
    getTargetValidationMetadatas: (
      target: Target,
      schema: string,
      always: boolean,
      strict: boolean,
    ) => Array<Rule & { propertyName: string }>;
  };
  const out = new Map<string, Rules>();
  for (const target of storage.validationMetadatas.keys()) {
    const rules: Rules = new Map();
    for (const m of storage.getTargetValidationMetadatas(target, '', false, false)) {
      if (!rules.has(m.propertyName)) rules.set(m.propertyName, []);
      rules.get(m.propertyName)!.push(m);
    }
    out.set(target.name, rules);
  }
  return out;
}

function enrichProperty(p: Schema, rules: Rule[]): void {
  const target = p.type === 'array' && p.items && !p.items.$ref ? p.items : p;
  for (const r of rules) {
    const c = r.constraints ?? [];
    const on = r.each && p.type === 'array' && p.items && !p.items.$ref ? p.items : r.each ? target : p;
    switch (r.name) {
      case 'isUuid':
        // A comma-separated list of ids is a string, not a UUID.
        if (r.each && on === p && p.type === 'string') break;
        on.type ??= 'string';
        on.format ??= 'uuid';
        break;
      case 'isInt':
        if (on.type === 'number' || on.type === undefined) on.type = 'integer';
        break;
      case 'min':
        on.minimum ??= c[0];
        break;
      case 'max':
        on.maximum ??= c[0];
        break;
      case 'isLength':
        if (typeof c[0] === 'number' && c[0] > 0) on.minLength ??= c[0];
        if (typeof c[1] === 'number') on.maxLength ??= c[1];
        break;
      case 'maxLength':
        on.maxLength ??= c[0];
        break;
      case 'minLength':
        on.minLength ??= c[0];
        break;
      case 'matches':
        if (c[0] instanceof RegExp) on.pattern ??= c[0].source;
        break;
      case 'isIn':
        if (Array.isArray(c[0]) && !on.enum && !on.$ref && !on.allOf) {
          const values = c[0] as unknown[];
          if (values.every((v) => typeof v === 'boolean')) on.type = 'boolean';
          else on.enum = values;
        }
        break;
      case 'arrayMinSize':
        p.minItems ??= c[0];
        break;
      case 'arrayMaxSize':
        p.maxItems ??= c[0];
        break;
      case 'isBoolean':
        on.type ??= 'boolean';
        break;
    }
  }
}

function enrichSchema(schema: Schema, rules: Rules | undefined): void {
  if (!rules || !schema.properties) return;
  for (const [name, p] of Object.entries<Schema>(schema.properties)) enrichProperty(p, rules.get(name) ?? []);
}

/** Query parameters come from a DTO the document does not name: the class whose fields they are. */
function enrichQuery(op: Schema, validators: Map<string, Rules>): void {
  const params: Schema[] = (op.parameters ?? []).filter((p: Schema) => p.in === 'query');
  if (!params.length) return;
  const names = params
    .map((p) => p.name)
    .sort()
    .join(',');
  for (const rules of validators.values()) {
    if ([...rules.keys()].sort().join(',') !== names) continue;
    for (const p of params) enrichProperty((p.schema ??= {}), rules.get(p.name) ?? []);
    return;
  }
}
