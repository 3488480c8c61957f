// The one way the web app talks to the API (/api/v1): the session's bearer token, Idempotency-Key
// headers for writes that create value, errors as ApiError with the API's stable `code`, a short
// retry of reads on 503 (Retry-After), and a way back to the login page on any 401.

export const API_BASE = '/api/v1';

export interface FieldError {
  field: string;
  problems: string[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, any> = {},
  ) {
    super(message);
  }

  /** True when the request never reached the server (offline, DNS, connection refused). */
  get network(): boolean {
    return this.status === 0;
  }

  get fields(): FieldError[] {
    return Array.isArray(this.details?.fields) ? this.details.fields : [];
  }
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined | null>;
  idempotencyKey?: string;
  /** Raw body with its content type (CSV upload). */
  raw?: { body: string | Blob; type: string };
  signal?: AbortSignal;
  /** Do not treat a 401 as an expired session (the login form itself). */
  anonymous?: boolean;
}

type Hooks = {
  token: () => string | null;
  onUnauthorized: () => void;
  onNetwork: (ok: boolean) => void;
};

let hooks: Hooks = { token: () => null, onUnauthorized: () => undefined, onNetwork: () => undefined };

export function configureHttp(h: Partial<Hooks>): void {
  hooks = { ...hooks, ...h };
}

/**
 * A random UUID (v4). `crypto.randomUUID` exists only in secure contexts (HTTPS, localhost); the app
 * also runs over plain HTTP on a LAN host name, where `getRandomValues` still does.
 */
export function uuid(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function newIdempotencyKey(prefix = 'web'): string {
  return `${prefix}-${uuid()}`;
}

function url(path: string, query?: RequestOptions['query']): string {
  const u = new URL(API_BASE + path, location.origin);
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== null && v !== '') u.searchParams.set(k, String(v));
  }
  return u.pathname + u.search;
}

const MAX_RETRIES = 2;

async function send(method: string, path: string, body: unknown, opts: RequestOptions, as: 'json' | 'blob'): Promise<any> {
  const headers: Record<string, string> = { Accept: as === 'json' ? 'application/json' : '*/*' };
  const token = hooks.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (opts.idempotencyKey) headers['Idempotency-Key'] = opts.idempotencyKey;
  let payload: BodyInit | undefined;
  if (opts.raw) {
    headers['Content-Type'] = opts.raw.type;
    payload = opts.raw.body;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  for (let attempt = 0; ; attempt++) {
    let res: Response;
    try {
      res = await fetch(url(path, opts.query), { method, headers, body: payload, signal: opts.signal, cache: 'no-store' });
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      hooks.onNetwork(false);
      throw new ApiError(0, 'NETWORK', 'network unreachable');
    }
    hooks.onNetwork(true);
    if (res.ok) {
      if (as === 'blob') return res.blob();
      if (res.status === 204) return undefined;
      const text = await res.text();
      return text ? JSON.parse(text) : undefined;
    }
    const err = await errorOf(res);
    // Reads and idempotent writes are retried once the server says it is back (Retry-After).
    const retriable = res.status === 503 && (method === 'GET' || !!opts.idempotencyKey) && attempt < MAX_RETRIES;
    if (retriable) {
      const seconds = Math.min(Number(res.headers.get('Retry-After')) || 1, 3);
      await new Promise((r) => setTimeout(r, seconds * 1000));
      continue;
    }
    if (res.status === 401 && !opts.anonymous) hooks.onUnauthorized();
    throw err;
  }
}

async function errorOf(res: Response): Promise<ApiError> {
  try {
    const b = await res.json();
    return new ApiError(res.status, b.code ?? `HTTP_${res.status}`, b.message ?? res.statusText, b.details ?? {});
  } catch {
    return new ApiError(res.status, `HTTP_${res.status}`, res.statusText);
  }
}

export const api = {
  get: <T = any>(path: string, opts: RequestOptions = {}): Promise<T> => send('GET', path, undefined, opts, 'json'),
  post: <T = any>(path: string, body?: unknown, opts: RequestOptions = {}): Promise<T> => send('POST', path, body ?? {}, opts, 'json'),
  put: <T = any>(path: string, body?: unknown, opts: RequestOptions = {}): Promise<T> => send('PUT', path, body ?? {}, opts, 'json'),
  patch: <T = any>(path: string, body?: unknown, opts: RequestOptions = {}): Promise<T> => send('PATCH', path, body ?? {}, opts, 'json'),
  blob: (path: string, opts: RequestOptions = {}): Promise<Blob> => send('GET', path, undefined, opts, 'blob'),
};

/** Saves a file the API answers (CSV, PDF) under `name`. */
export async function download(path: string, name: string): Promise<void> {
  const blob = await api.blob(path);
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
