import { randomUUID } from 'node:crypto';
import type { Role } from '../../src/common/actor';
import { ERROR_STATUS } from '../../src/common/domain-error';
import { mulberry32 } from '../../bench/support';
import type { BaseRequest } from './fuzz-world';

/**
 * An OpenAPI-driven fuzzer: every operation of the document, its base request (valid, from the world
 * or synthesised from the schema) and mutations of its body, query, path and headers, each with what
 * the answer must be. Seeded: the same seed makes the same cases.
 */

export type Rng = () => number;

export const rngOf = (seed: number): Rng => mulberry32(seed);

export function sample<T>(rng: Rng, xs: readonly T[], k: number): T[] {
  const copy = [...xs];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy.slice(0, k);
}

export interface Param {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: any;
}

export interface Op {
  method: string;
  path: string;
  key: string;
  params: Param[];
  body?: { contentType: string; schema: any };
  roles?: Role[];
  secured: boolean;
  operation: any;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** Follows `$ref` and merges `allOf`, so that a schema can be read directly. */
export function resolve(doc: any, schema: any, depth = 0): any {
  if (!schema || depth > 20) return schema ?? {};
  if (schema.$ref) {
    const target = doc.components.schemas[String(schema.$ref).split('/').pop()!];
    const { $ref: _ref, ...rest } = schema;
    return resolve(doc, { ...target, ...rest }, depth + 1);
  }
  if (schema.allOf) {
    const { allOf, ...rest } = schema;
    return allOf.reduce((acc: any, s: any) => {
      const r = resolve(doc, s, depth + 1);
      return {
        ...acc,
        ...r,
        properties: { ...acc.properties, ...r.properties },
        required: [...(acc.required ?? []), ...(r.required ?? [])],
      };
    }, rest);
  }
  if (schema.oneOf || schema.anyOf) return resolve(doc, (schema.oneOf ?? schema.anyOf)[0], depth + 1);
  return schema;
}

export function operationsOf(doc: any): Op[] {
  const ops: Op[] = [];
  for (const [path, item] of Object.entries<any>(doc.paths))
    for (const m of METHODS) {
      const o = item[m];
      if (!o) continue;
      const content = o.requestBody?.content ?? {};
      const contentType = Object.keys(content)[0];
      ops.push({
        method: m.toUpperCase(),
        path,
        key: `${m.toUpperCase()} ${path}`,
        params: (o.parameters ?? []).map((p: any) => ({ ...p, schema: resolve(doc, p.schema ?? {}) })),
        body: contentType ? { contentType, schema: resolve(doc, content[contentType].schema) } : undefined,
        roles: o['x-roles'],
        secured: !!o.security?.length,
        operation: o,
      });
    }
  return ops;
}

/** A value that satisfies the schema (ids are made up), for operations the world has no request for. */
export function synthesise(doc: any, schema: any, depth = 0): unknown {
  const s = resolve(doc, schema);
  if (s.example !== undefined) return s.example;
  if (s.enum?.length) return s.enum[0];
  const clamp = (n: number) => Math.min(Math.max(n, s.minimum ?? n), s.maximum ?? n);
  switch (s.type) {
    case 'integer':
    case 'number':
      return clamp(1);
    case 'boolean':
      return false;
    case 'array':
      return depth > 5
        ? []
        : Array.from({ length: Math.max(1, s.minItems ?? 1) }, () => synthesise(doc, s.items, depth + 1));
    case 'string':
      if (s.format === 'uuid') return randomUUID();
      if (s.format === 'date-time') return new Date().toISOString();
      if (s.format === 'date') return '2000-01-01';
      return 'x'.repeat(Math.max(1, s.minLength ?? 1));
    default: {
      if (!s.properties || depth > 5) return {};
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries<any>(s.properties)) out[k] = synthesise(doc, v, depth + 1);
      return out;
    }
  }
}

// ---- Cases ----------------------------------------------------------------------------------------

export interface Case {
  op: Op;
  label: string;
  pathValues: Record<string, string>;
  /** Raw query string (without `?`), already encoded where it should be. */
  query: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  contentType?: string;
  /** The answer must be a 4xx. */
  refuse: boolean;
  /** For VALIDATION_FAILED (or JSON_TOO_DEEP) answers: the field that must be named. */
  field?: string;
  /** The codes a refusal may carry (any code of ERROR_STATUS when absent). */
  codes?: string[];
  /** The unmutated request of the operation. */
  base?: boolean;
  /** The world made the unmutated request (not synthesised from the schema): it is valid. */
  known?: boolean;
}

type Key = string | number;
const fieldName = (path: Key[]) =>
  path.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${k}` : k), '');

/** JSON text where some values are raw literals (1e400, 2^63, a deeply nested array). */
class Raw {
  constructor(readonly text: string) {}
}

function toJson(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_k, v) => {
    if (v instanceof Raw) {
      raws.push(v.text);
      return `@@RAW${raws.length - 1}@@`;
    }
    return v;
  });
  return text.replace(/"@@RAW(\d+)@@"/g, (_m, i) => raws[Number(i)]);
}

function setAt(body: unknown, path: Key[], value: unknown): unknown {
  const copy = structuredClone(body) as any;
  let at = copy;
  for (const k of path.slice(0, -1)) at = at[k];
  at[path[path.length - 1]] = value;
  return copy;
}

const deepArray = (depth: number) => new Raw('['.repeat(depth) + ']'.repeat(depth));
const DEEP_OBJECT = '{"a":'.repeat(6000) + '1' + '}'.repeat(6000);
const HUGE = 'x'.repeat(100_000);

interface ValueCase {
  label: string;
  value: unknown;
  refuse: boolean;
  codes?: string[];
}

/** Values to try in one field, with whether the schema forbids each. */
function valuesFor(s: any): ValueCase[] {
  const type = s.type ?? (s.properties ? 'object' : s.enum ? 'string' : undefined);
  const numeric = type === 'integer' || type === 'number';
  const v: ValueCase[] = [
    { label: 'null', value: null, refuse: !s.nullable },
    { label: 'object', value: { a: 1 }, refuse: type !== 'object' },
    { label: 'array', value: [1], refuse: type !== 'array' },
    { label: 'nested-array', value: deepArray(20), refuse: true },
    { label: 'deep-array', value: deepArray(4000), refuse: true, codes: ['JSON_TOO_DEEP'] },
  ];
  if (numeric) {
    v.push(
      { label: '1e308', value: 1e308, refuse: true },
      { label: '-1e308', value: -1e308, refuse: true },
      { label: '2^63', value: new Raw('9223372036854775808'), refuse: true },
      { label: '1e400', value: new Raw('1e400'), refuse: true },
      { label: '"NaN"', value: 'NaN', refuse: true },
      { label: '"Infinity"', value: 'Infinity', refuse: true },
      { label: '"12"', value: '12', refuse: true },
      { label: 'true', value: true, refuse: true },
    );
    if (type === 'integer') {
      v.push({ label: '1e-308', value: 1e-308, refuse: true }, { label: '1.5', value: 1.5, refuse: true });
    }
    if (typeof s.minimum === 'number') v.push({ label: 'minimum-1', value: s.minimum - 1, refuse: true });
    if (typeof s.maximum === 'number') v.push({ label: 'maximum+1', value: s.maximum + 1, refuse: true });
  } else if (type === 'string') {
    const strict = !!(s.enum || s.format === 'uuid' || s.pattern);
    v.push(
      { label: 'number', value: 12345, refuse: true },
      { label: 'boolean', value: true, refuse: true },
      { label: 'huge', value: HUGE, refuse: (s.maxLength ?? Infinity) < HUGE.length || strict },
      { label: 'nul', value: 'a\u0000b', refuse: strict },
      { label: 'emoji', value: '积分😀🎉', refuse: strict },
      { label: 'lone-surrogate', value: new Raw('"\\ud800x"'), refuse: strict },
      { label: 'sql', value: "' OR 1=1 --", refuse: strict },
      { label: 'empty', value: '', refuse: strict || (s.minLength ?? 0) > 0 },
    );
  } else if (type === 'boolean') {
    v.push({ label: '"true"', value: 'true', refuse: true }, { label: '1', value: 1, refuse: true });
  } else if (type === 'array') {
    v.push(
      { label: 'string', value: 'x', refuse: true },
      { label: '[null]', value: [null], refuse: true },
      { label: 'empty', value: [], refuse: (s.minItems ?? 0) > 0 },
    );
    if (typeof s.maxItems === 'number')
      v.push({ label: 'maxItems+1', value: new Array(s.maxItems + 1).fill(null), refuse: true });
  } else if (type === 'object') {
    v.push(
      { label: 'string', value: 'x', refuse: true },
      { label: 'unknown-inside', value: { zzInside: 1 }, refuse: true },
    );
  }
  return v;
}

/** The fields of a body to mutate: top-level ones and one level into objects and first array items. */
function fieldsOf(doc: any, schema: any, body: unknown): Array<{ path: Key[]; schema: any }> {
  const out: Array<{ path: Key[]; schema: any }> = [];
  const walk = (s: any, value: any, path: Key[], depth: number) => {
    const r = resolve(doc, s);
    for (const [name, ps] of Object.entries<any>(r.properties ?? {})) {
      const p = resolve(doc, ps);
      out.push({ path: [...path, name], schema: p });
      if (depth > 0) continue;
      const v = value?.[name];
      if (p.properties && v && typeof v === 'object' && !Array.isArray(v))
        walk(p, v, [...path, name], depth + 1);
      if (
        p.type === 'array' &&
        Array.isArray(v) &&
        v[0] &&
        typeof v[0] === 'object' &&
        resolve(doc, p.items).properties
      )
        walk(p.items, v[0], [...path, name, 0], depth + 1);
    }
  };
  walk(schema, body, [], 0);
  return out;
}

export interface CaseOptions {
  /** Mutations tried per body field, beyond null and (for numbers) 1e308. */
  perField: number;
  perQueryParam: number;
  perPathParam: number;
}

/** Every case for one operation: its base request first, then the mutations. */
export function casesFor(
  doc: any,
  op: Op,
  given: Partial<BaseRequest> | undefined,
  pathValues: Record<string, string>,
  rng: Rng,
  o: CaseOptions,
): Case[] {
  const json = op.body?.contentType === 'application/json';
  const baseBody = given?.body ?? (json ? synthesise(doc, op.body!.schema) : undefined);
  const contentType = given?.contentType ?? (json ? 'application/json' : op.body?.contentType);
  const baseQuery = given?.query ?? {};
  const serialise = (b: unknown) => (typeof b === 'string' ? b : toJson(b));
  const qs = (q: Record<string, string | string[]>) =>
    Object.entries(q)
      .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${k}=${encodeURIComponent(x)}`))
      .join('&');
  const make = (label: string, over: Partial<Case>): Case => ({
    op,
    label,
    pathValues,
    query: qs(baseQuery),
    headers: {},
    ...(baseBody !== undefined ? { body: serialise(baseBody), contentType } : {}),
    refuse: false,
    ...over,
  });
  const cases: Case[] = [make('base', { base: true, known: given !== undefined || !op.body })];
  const withBody = (
    label: string,
    body: string | Buffer | undefined,
    ct: string | undefined,
    over: Partial<Case>,
  ) => cases.push(make(label, { body, contentType: ct, ...over }));

  // Whole-body mutations.
  const writes = op.method !== 'GET';
  if (json) {
    const top = resolve(doc, op.body!.schema);
    withBody('body: deep object', DEEP_OBJECT, 'application/json', {
      refuse: true,
      codes: ['JSON_TOO_DEEP'],
      field: 'a',
    });
    withBody('body: unknown field', toJson({ ...(baseBody as object), zzUnknown: 1 }), 'application/json', {
      refuse: true,
      field: 'zzUnknown',
    });
    withBody(
      'body: __proto__',
      `{"__proto__":{"polluted":true},${toJson(baseBody).slice(1)}`,
      'application/json',
      {
        refuse: true,
        field: '__proto__',
      },
    );
    withBody(
      'body: constructor',
      toJson({ ...(baseBody as object), constructor: { prototype: { polluted: true } } }),
      'application/json',
      {
        refuse: true,
        field: 'constructor',
      },
    );
    withBody('body: malformed', '{"a":', 'application/json', { refuse: true, codes: ['MALFORMED_JSON'] });
    withBody('body: trailing garbage', `${toJson(baseBody)} x`, 'application/json', {
      refuse: true,
      codes: ['MALFORMED_JSON'],
    });
    for (const raw of ['"text"', '123', 'null', 'true'])
      withBody(`body: ${raw}`, raw, 'application/json', { refuse: true, codes: ['MALFORMED_JSON'] });
    withBody('body: []', '[]', 'application/json', { refuse: true, codes: ['VALIDATION_FAILED'] });
    withBody('body: [base]', toJson([baseBody]), 'application/json', {
      refuse: true,
      codes: ['VALIDATION_FAILED'],
    });
    withBody('body: text/plain', toJson(baseBody), 'text/plain', {
      refuse: true,
      codes: ['UNSUPPORTED_MEDIA_TYPE'],
    });
    withBody('body: form', 'a=1&b=2', 'application/x-www-form-urlencoded', {
      refuse: true,
      codes: ['UNSUPPORTED_MEDIA_TYPE'],
    });
    withBody('body: xml', '<a>1</a>', 'application/xml', { refuse: true, codes: ['UNSUPPORTED_MEDIA_TYPE'] });
    withBody('body: latin1', toJson(baseBody), 'application/json; charset=latin1', {
      refuse: true,
      codes: ['UNSUPPORTED_MEDIA_TYPE'],
    });
    withBody('body: none', undefined, undefined, { refuse: (top.required ?? []).length > 0 });
    withBody(
      'body: too large',
      toJson({ ...(baseBody as object), zzPad: 'x'.repeat(1_200_000) }),
      'application/json',
      {
        refuse: true,
        codes: ['PAYLOAD_TOO_LARGE'],
      },
    );

    // Field mutations: null always, 1e308 for numbers (the issue's cases), then a seeded sample.
    for (const f of fieldsOf(doc, op.body!.schema, baseBody)) {
      const values = valuesFor(f.schema);
      const always = values.filter((v) => v.label === 'null' || v.label === '1e308');
      const rest = values.filter((v) => !always.includes(v));
      for (const v of [...always, ...sample(rng, rest, o.perField)]) {
        const name = fieldName(f.path);
        const field = v.codes?.includes('JSON_TOO_DEEP') ? String(f.path[0]) : name;
        withBody(`body.${name} = ${v.label}`, toJson(setAt(baseBody, f.path, v.value)), 'application/json', {
          refuse: v.refuse,
          ...(v.refuse ? { field } : {}),
          ...(v.codes ? { codes: v.codes } : {}),
        });
      }
    }
  } else if (op.body) {
    // A raw body (the CSV register).
    withBody('body: json', '{"a":1}', 'application/json', {
      refuse: true,
      codes: ['UNSUPPORTED_MEDIA_TYPE'],
    });
    withBody('body: deep json', DEEP_OBJECT, 'application/json', {
      refuse: true,
      codes: ['JSON_TOO_DEEP', 'UNSUPPORTED_MEDIA_TYPE'],
    });
    for (const [label, csv] of [
      ['nul', '姓名,户号\n张\u0000三,H1\n'],
      ['emoji', '姓名,户号\n😀,H1\n'],
      ['header only', '姓名,户号\n'],
      ['garbage', '\u0001\u0002\u0003'],
      ['huge cell', `姓名,户号\n${'x'.repeat(200_000)},H1\n`],
      ['quotes', '姓名,户号\n"张三,H1\n'],
    ])
      withBody(`csv: ${label}`, csv, op.body.contentType, { refuse: true });
  } else if (writes) {
    // A route that takes no body refuses one.
    withBody('no body: unknown field', '{"zzUnknown":1}', 'application/json', {
      refuse: true,
      field: 'zzUnknown',
    });
    withBody('no body: array', '[1]', 'application/json', { refuse: true });
    withBody('no body: deep object', DEEP_OBJECT, 'application/json', {
      refuse: true,
      codes: ['JSON_TOO_DEEP'],
    });
    withBody('no body: text', 'hello', 'text/plain', { refuse: true });
    withBody('no body: malformed', '{"a":', 'application/json', { refuse: true, codes: ['MALFORMED_JSON'] });
    withBody('no body: {}', '{}', 'application/json', { refuse: false });
  }

  // Query mutations: unknown parameters, bracketed keys, then each declared parameter.
  const queryParams = op.params.filter((p) => p.in === 'query');
  const withQuery = (label: string, q: string, over: Partial<Case>) =>
    cases.push(make(label, { query: q, ...over }));
  const baseQs = qs(baseQuery);
  const plus = (extra: string) => (baseQs ? `${baseQs}&${extra}` : extra);
  withQuery('query: unknown', plus('zzUnknown=1'), { refuse: true, field: 'zzUnknown' });
  withQuery('query: cursor[a]=1', plus('cursor[a]=1'), { refuse: true, field: 'cursor' });
  withQuery('query: limit[]=1', plus('limit[]=1'), { refuse: true, field: 'limit' });
  for (const p of queryParams) {
    const without = Object.fromEntries(Object.entries(baseQuery).filter(([k]) => k !== p.name));
    const values = queryValuesFor(p.name, p.schema);
    const chosen = [
      ...values.filter((v) => v.label.startsWith('repeated') || v.label.startsWith('bracket')),
      ...sample(
        rng,
        values.filter((v) => !v.label.startsWith('repeated') && !v.label.startsWith('bracket')),
        o.perQueryParam,
      ),
    ];
    for (const v of chosen) {
      const q =
        v.raw !== undefined
          ? [qs(without), v.raw].filter(Boolean).join('&')
          : qs({ ...without, [p.name]: v.value! });
      withQuery(`query.${p.name} = ${v.label}`, q, {
        refuse: v.refuse,
        ...(v.refuse ? { field: p.name } : {}),
      });
    }
  }

  // Path mutations.
  for (const p of op.params.filter((x) => x.in === 'path')) {
    for (const v of sample(rng, pathValuesFor(p.schema, pathValues[p.name]), o.perPathParam))
      cases.push(
        make(`path.${p.name} = ${v.label}`, {
          pathValues: { ...pathValues, [p.name]: v.value },
          refuse: v.refuse,
          ...(v.refuse ? { field: p.name } : {}),
        }),
      );
  }

  // Headers.
  if (op.params.some((p) => p.in === 'header' && p.name === 'Idempotency-Key'))
    cases.push(
      make('header: bad Idempotency-Key', {
        headers: { 'Idempotency-Key': 'not a key!' },
        refuse: true,
        field: 'Idempotency-Key',
      }),
    );
  if (op.secured) {
    cases.push(
      make('header: forged token', {
        headers: { Authorization: 'Bearer eyJhbGciOiJub25lIn0.e30.' },
        refuse: true,
        codes: ['UNAUTHORIZED'],
      }),
    );
  }
  return cases;
}

interface QueryValue {
  label: string;
  value?: string;
  raw?: string;
  refuse: boolean;
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

function queryValuesFor(name: string, s: any): QueryValue[] {
  const type = s.type;
  const strict = !!(
    s.enum ||
    s.format === 'uuid' ||
    s.pattern ||
    type === 'integer' ||
    type === 'number' ||
    type === 'boolean'
  );
  const v: QueryValue[] = [
    { label: 'repeated', raw: `${name}=1&${name}=2`, refuse: true },
    { label: 'bracket object', raw: `${name}[a]=1`, refuse: true },
    { label: 'nul', value: 'a\u0000b', refuse: strict },
    { label: 'emoji', value: '😀', refuse: strict },
    { label: 'long', value: 'x'.repeat(4000), refuse: strict || (s.maxLength ?? Infinity) < 4000 },
    { label: 'sql', value: "' OR 1=1 --", refuse: strict },
  ];
  if (type === 'integer' || type === 'number')
    v.push(
      { label: '1e308', value: '1e308', refuse: true },
      { label: 'NaN', value: 'NaN', refuse: true },
      { label: 'Infinity', value: 'Infinity', refuse: true },
      { label: '1.5', value: '1.5', refuse: type === 'integer' },
      { label: '2^63', value: '9223372036854775808', refuse: true },
      { label: '-1', value: '-1', refuse: (s.minimum ?? -Infinity) > -1 },
    );
  if (type === 'boolean') v.push({ label: 'yes', value: 'yes', refuse: true });
  if (s.enum) v.push({ label: 'not in enum', value: 'zz_planet', refuse: true });
  if (name === 'cursor')
    v.push(
      { label: 'sql cursor', value: "1' OR '1'='1", refuse: true },
      { label: 'forged cursor (not a date)', value: b64(['x', 'y']), refuse: true },
      { label: 'forged cursor (objects)', value: b64([{ a: 1 }, [2]]), refuse: true },
      { label: 'forged cursor (huge)', value: b64([1e308, 'x', -1]), refuse: true },
      {
        label: 'forged cursor (not an id)',
        value: b64(['2026-01-01T00:00:00.000Z', "x' OR 1=1"]),
        refuse: true,
      },
      {
        label: 'forged cursor (3 parts)',
        value: b64([100, '00000000-0000-4000-8000-000000000000', 1e20]),
        refuse: true,
      },
    );
  return v;
}

function pathValuesFor(s: any, real: string): Array<{ label: string; value: string; refuse: boolean }> {
  const uuid = s.format === 'uuid';
  const int = s.type === 'integer';
  const strict = uuid || int || !!s.enum || !!s.pattern;
  const v = [
    { label: 'not an id', value: 'not-an-id', refuse: strict },
    { label: 'nul', value: 'a\u0000b', refuse: strict },
    { label: 'emoji', value: '😀', refuse: strict },
    { label: 'long', value: 'a'.repeat(3000), refuse: strict },
    { label: 'object', value: '[object Object]', refuse: strict },
    { label: 'sql', value: "1' OR '1'='1", refuse: strict },
    { label: 'slash', value: '/', refuse: strict },
    { label: 'dots', value: '..', refuse: strict },
    { label: '1e308', value: '1e308', refuse: strict },
    { label: '2^63', value: '9223372036854775808', refuse: strict },
    { label: 'upper case', value: real.toUpperCase(), refuse: !!s.enum || !!s.pattern },
  ];
  if (uuid) v.push({ label: 'unknown id', value: randomUUID(), refuse: true });
  if (int)
    v.push({ label: '1.5', value: '2026.5', refuse: true }, { label: '-1', value: '-1', refuse: true });
  return v;
}

// ---- Checks ---------------------------------------------------------------------------------------

export interface Answer {
  status: number;
  body: any;
  headers: Record<string, string>;
}

const names = (want: string, got: string) =>
  got === want ||
  got.startsWith(`${want}.`) ||
  got.startsWith(`${want}[`) ||
  want.startsWith(`${got}.`) ||
  want.startsWith(`${got}[`);

/** What is wrong with an answer to a case; empty when it is right. */
export function problemsOf(c: Case, a: Answer, baseValid: boolean): string[] {
  const p: string[] = [];
  if (a.status >= 500) return [`answered ${a.status}`];
  if (c.refuse && a.status < 400) p.push(`accepted (${a.status}) what the schema forbids`);
  if (c.base && c.known && a.body?.code === 'VALIDATION_FAILED')
    p.push('refused as invalid the valid request the world made for it');
  if (a.status < 400) return p;
  const b = a.body;
  if (!b || typeof b !== 'object') return [...p, `${a.status} without the error shape`];
  if (b.statusCode !== a.status) p.push(`statusCode ${b.statusCode} ≠ ${a.status}`);
  const status = (ERROR_STATUS as Record<string, number>)[b.code];
  if (typeof b.code !== 'string' || status !== a.status)
    p.push(`code ${JSON.stringify(b.code)} is not a ${a.status} code of ERROR_STATUS`);
  if (typeof b.message !== 'string' || !b.message) p.push('no message');
  if (!b.details || typeof b.details !== 'object') p.push('no details object');
  if (!b.requestId || b.requestId !== a.headers['x-request-id'])
    p.push('requestId does not match X-Request-Id');
  if (c.refuse && c.codes && !c.codes.includes(b.code))
    p.push(`code ${b.code}, expected ${c.codes.join(' or ')}`);
  const fields = b.details?.fields;
  if (b.code === 'VALIDATION_FAILED' || fields !== undefined) {
    if (!Array.isArray(fields) || !fields.length) p.push('a validation error names no field');
    else if (
      !fields.every(
        (f: any) => typeof f.field === 'string' && f.field && Array.isArray(f.problems) && f.problems.length,
      )
    )
      p.push('details.fields entries need field and problems');
    else if (c.refuse && c.field && baseValid && !fields.some((f: any) => names(c.field!, f.field)))
      p.push(`named ${fields.map((f: any) => f.field).join(', ')}, not ${c.field}`);
  }
  return p;
}

/** The error codes the document lists for an operation's status. */
export function documentedCodes(op: Op, status: number): string[] {
  const schema = op.operation.responses?.[String(status)]?.content?.['application/json']?.schema;
  return schema?.allOf?.[1]?.properties?.code?.enum ?? [];
}

export const describeCase = (c: Case) =>
  `${c.op.key} [${c.label}]${c.query ? ` ?${c.query.slice(0, 120)}` : ''}`;
