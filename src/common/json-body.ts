import type { NextFunction, Request, Response } from 'express';
import type { IncomingMessage } from 'node:http';
import { refuse } from './errors';

/**
 * Limits on what a JSON body (and a query) may look like, checked before any route sees it. The
 * deepest body the API takes is a rule book import (8 levels of rules, about 18 of JSON); 32 leaves
 * room and stops a 30 kB `{"a":{"a":...}}` long before it costs anything.
 */
export const MAX_JSON_DEPTH = 32;

/** Keys that would replace an object's prototype or constructor when copied into a DTO. */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/**
 * Scans raw JSON without parsing it: the top-level field (`rules`, or `[3]` in an array) under which
 * it nests deeper than `max`, or null when it does not. Linear in the bytes, no allocation per byte.
 */
export function tooDeepField(buf: Buffer, max = MAX_JSON_DEPTH): string | null {
  let depth = 0;
  let inString = false;
  let escaped = false;
  let topIsObject = false;
  let expectKey = false;
  let keyStart = -1;
  let key = '';
  let index = 0;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === BACKSLASH) escaped = true;
      else if (c === QUOTE) {
        inString = false;
        if (keyStart >= 0) {
          key = decodeKey(buf, keyStart, i);
          keyStart = -1;
        }
      }
      continue;
    }
    switch (c) {
      case QUOTE:
        inString = true;
        if (depth === 1 && expectKey) keyStart = i;
        break;
      case OPEN_OBJECT:
      case OPEN_ARRAY:
        depth++;
        if (depth === 1) {
          topIsObject = c === OPEN_OBJECT;
          expectKey = topIsObject;
        }
        if (depth > max) return topIsObject ? key : `[${index}]`;
        break;
      case CLOSE_OBJECT:
      case CLOSE_ARRAY:
        depth--;
        break;
      case COMMA:
        if (depth === 1) {
          if (topIsObject) expectKey = true;
          else index++;
        }
        break;
      case COLON:
        if (depth === 1) expectKey = false;
        break;
    }
  }
  return null;
}

function decodeKey(buf: Buffer, openQuote: number, closeQuote: number): string {
  const raw = buf.subarray(openQuote, Math.min(closeQuote + 1, openQuote + 202)).toString('utf8');
  try {
    return JSON.parse(raw.endsWith('"') ? raw : `${raw.slice(0, 200)}"`) as string;
  } catch {
    return raw.slice(1, 101);
  }
}

/** `express.json({ verify })`: refuses a body nested too deep before it is parsed (400 JSON_TOO_DEEP). */
export function verifyJsonDepth(_req: IncomingMessage, _res: unknown, buf: Buffer): void {
  const field = tooDeepField(buf);
  if (field === null) return;
  throw Object.assign(new Error(`the request body is nested deeper than ${MAX_JSON_DEPTH} levels`), {
    status: 400,
    type: 'entity.too.deep',
    field,
    maxDepth: MAX_JSON_DEPTH,
  });
}

/** Paths (`a.b[0].__proto__`) of unsafe keys in a parsed body; iterative, the depth is bounded above. */
export function unsafeKeyPaths(value: unknown, limit = 20): string[] {
  const out: string[] = [];
  const stack: Array<{ v: unknown; path: string }> = [{ v: value, path: '' }];
  while (stack.length && out.length < limit) {
    const { v, path } = stack.pop()!;
    if (!v || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      v.forEach((x, i) => stack.push({ v: x, path: `${path}[${i}]` }));
      continue;
    }
    for (const k of Object.keys(v)) {
      const p = path ? `${path}.${k}` : k;
      if (UNSAFE_KEYS.has(k)) out.push(p);
      else stack.push({ v: (v as Record<string, unknown>)[k], path: p });
    }
  }
  return out;
}

/**
 * After the body parsers: a body or query with `__proto__`, `constructor` or `prototype` keys is a
 * 400 naming them. Copied into a DTO, such a key swaps the object's class, and validation with it.
 */
export function refuseUnsafeKeys(req: Request, _res: Response, next: NextFunction): void {
  const fields = [
    ...unsafeKeyPaths(req.body),
    ...Object.keys(req.query ?? {}).filter((k) => UNSAFE_KEYS.has(k)),
  ];
  if (!fields.length) return next();
  next(
    refuse(
      'VALIDATION_FAILED',
      { fields: fields.map((field) => ({ field, problems: [`property name ${field} is not allowed`] })) },
      `${fields.join(', ')}: property name not allowed`,
    ),
  );
}
