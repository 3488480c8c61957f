import type { TestApp } from './harness';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
export type Method = (typeof METHODS)[number];

export interface Operation {
  method: Method;
  /** The path as documented, without the `/api/v1` prefix: `/users/{id}`. */
  path: string;
  /** `GET /users/{id}`: how the tests name an operation. */
  name: string;
  /** Names of the path parameters, in order. */
  params: string[];
}

export const API_PREFIX = '/api/v1';

/** Every operation of the app's OpenAPI document (`/api/docs-json`). */
export async function openApiOperations(t: TestApp): Promise<Operation[]> {
  const res = await t.http().get('/api/docs-json');
  if (res.status !== 200) throw new Error(`docs-json: ${res.status}`);
  const doc = res.body as { paths: Record<string, Record<string, unknown>> };
  const ops: Operation[] = [];
  for (const [fullPath, byMethod] of Object.entries(doc.paths)) {
    const path = fullPath.startsWith(API_PREFIX) ? fullPath.slice(API_PREFIX.length) : fullPath;
    for (const m of Object.keys(byMethod)) {
      if (!(METHODS as readonly string[]).includes(m)) continue;
      ops.push({
        method: m as Method,
        path,
        name: `${m.toUpperCase()} ${path}`,
        params: [...path.matchAll(/\{([^}]+)\}/g)].map((x) => x[1]),
      });
    }
  }
  return ops.sort((a, b) => a.name.localeCompare(b.name));
}

/** The path with its parameters filled in, prefixed (`/api/v1/users/<id>`). */
export function fillPath(op: Operation, params: Record<string, string | number>): string {
  return (
    API_PREFIX +
    op.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
      if (params[name] === undefined) throw new Error(`${op.name}: no value for {${name}}`);
      return encodeURIComponent(String(params[name]));
    })
  );
}

export interface CallOptions {
  params?: Record<string, string | number>;
  body?: unknown;
  /** `text/csv` bodies are sent as they are. */
  contentType?: string;
}

/** Calls an operation with a bearer token (or none). */
export function callOperation(t: TestApp, op: Operation, token: string | null, o: CallOptions = {}) {
  const req = t.http()[op.method](fillPath(op, o.params ?? {}));
  if (token !== null) req.set('Authorization', `Bearer ${token}`);
  if (o.contentType) req.set('Content-Type', o.contentType);
  if (o.body !== undefined) return req.send(o.body as object);
  return op.method === 'get' || op.method === 'delete' ? req : req.send({});
}

/**
 * Row counts and checksums of every table: two equal snapshots mean nothing was written.
 * `CHECKSUM TABLE` works on MySQL 8 and MariaDB alike.
 */
export async function databaseSnapshot(t: TestApp, skip: string[] = []): Promise<Record<string, string>> {
  const tables: Array<{ t: string }> = await t.sql(
    `SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME`,
  );
  const out: Record<string, string> = {};
  for (const { t: name } of tables) {
    if (skip.includes(name)) continue;
    const [count] = await t.sql<{ n: number | string }>(`SELECT COUNT(*) AS n FROM \`${name}\``);
    const [sum] = await t.sql<{ Checksum: number | string | null }>(`CHECKSUM TABLE \`${name}\``);
    out[name] = `${count.n} rows, checksum ${sum.Checksum}`;
  }
  return out;
}
