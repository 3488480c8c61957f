// Shared helpers for the benchmarks in this folder: environment knobs, a fresh database with its
// migrations, the app as a separate process, token minting, the keep-alive load generator, latency
// percentiles, CPU sampling from /proc, table printing and clean-up. Not a benchmark itself.
import { ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { INestApplicationContext } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import Redis from 'ioredis';
import { createPool, Pool } from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { Actor } from '../src/common/actor';
import {
  buildDataSourceOptions,
  detectEngine,
  ensureDatabase,
  parseDatabaseUrl,
} from '../src/database/database-options';
import { AuthService } from '../src/identity/auth.service';
import { LedgerAuditService } from '../src/ledger/ledger-audit.service';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The compiled API entry point, next to dist/bench/ (the benchmarks run from dist). */
export const MAIN_JS = path.resolve(__dirname, '../src/main.js');

// ---- knobs ---------------------------------------------------------------------------------------

/** A positive integer from the environment, or `dflt` when unset or empty. */
export function intEnv(name: string, dflt: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer`);
  return n;
}

// ---- randomness ----------------------------------------------------------------------------------

/** Deterministic PRNG (mulberry32), so that two runs make the same choices. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---- the database --------------------------------------------------------------------------------

/** `serverUrl` (scheme, credentials, host, port) with its database name replaced by `database`. */
export function databaseUrlOn(serverUrl: string, database: string): string {
  const p = parseDatabaseUrl(serverUrl);
  const auth = p.password
    ? `${encodeURIComponent(p.username)}:${encodeURIComponent(p.password)}`
    : encodeURIComponent(p.username);
  const socket = p.socketPath ? `?socketPath=${encodeURIComponent(p.socketPath)}` : '';
  return `${p.scheme}://${auth}@${p.host}:${p.port}/${database}${socket}`;
}

/** Creates the database of `url` if needed and runs every migration on it. */
export async function createAndMigrate(url: string): Promise<void> {
  await ensureDatabase(url);
  const ds = new DataSource(buildDataSourceOptions(url, await detectEngine(url), { poolSize: 2 }));
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
  } finally {
    await ds.destroy();
  }
}

/** The mysql2 pool the raw-SQL baselines use: `connections` connections to the database of `url`. */
export function rawPool(url: string, connections: number): Pool {
  const p = parseDatabaseUrl(url);
  return createPool({
    host: p.host,
    port: p.port,
    socketPath: p.socketPath,
    user: p.username,
    password: p.password,
    database: p.database,
    connectionLimit: connections,
    maxIdle: connections,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    supportBigNumbers: true,
  });
}

/** The ledger audit over the database of `url`, on a short-lived DataSource of its own. */
export async function auditLedger(url: string): ReturnType<LedgerAuditService['run']> {
  const ds = new DataSource(buildDataSourceOptions(url, await detectEngine(url), { poolSize: 2 }));
  await ds.initialize();
  return new LedgerAuditService(ds).run().finally(() => ds.destroy());
}

/** Deletes every Redis key under `prefix:` (the run's BullMQ queues). */
export async function deleteRedisKeys(prefix: string, redisUrl = REDIS_URL): Promise<void> {
  const redis = new Redis(redisUrl, {
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
    lazyConnect: true,
  });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

// ---- tokens --------------------------------------------------------------------------------------

/** Signs access tokens exactly as a login would: the app's JwtService over AuthService.claimsOf. */
export function tokenMinter(app: INestApplicationContext): (actor: Actor) => string {
  const auth = app.get(AuthService);
  const jwt = app.get(JwtService);
  return (actor) => jwt.sign(auth.claimsOf(actor));
}

// ---- the API process -----------------------------------------------------------------------------

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts the compiled app (`MAIN_JS`) as a child process with `env` on `port` and waits (up to 60 s)
 * until it answers /health with 200.
 */
export async function startApi(
  env: Record<string, string>,
  port: number,
  nodeArgs: string[] = [],
): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...nodeArgs, MAIN_JS], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  let exited: number | null = null;
  child.once('exit', (code) => (exited = code ?? -1));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited !== null) throw new Error(`the API process exited during start-up (code ${exited})`);
    const status = await new Promise<number>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/health' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.setTimeout(2_000, () => req.destroy());
      req.on('error', () => resolve(0));
    });
    if (status === 200) return child;
    if (Date.now() > deadline) throw new Error('the API did not answer /health within 60 s');
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** SIGTERM, then SIGKILL after 10 s; resolves once the process is gone. */
export async function stopApi(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await gone;
  clearTimeout(timer);
}

// ---- load generation -----------------------------------------------------------------------------

/** What one request (or raw transaction) came to: the status or outcome, a body when it failed. */
export interface Attempt {
  outcome: string;
  body?: string;
  retries?: number;
}

/**
 * `POST path` with a JSON body and a bearer token over a keep-alive `agent`, with a fresh
 * Idempotency-Key. The body of the answer is read only when the status is not `okStatus`.
 */
export function postJson(
  agent: http.Agent,
  port: number,
  urlPath: string,
  payload: unknown,
  token: string,
  idempotencyKey: string,
  okStatus: number,
): Promise<Attempt> {
  const body = JSON.stringify(payload);
  return new Promise((resolve) => {
    const req = http.request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: urlPath,
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
          Authorization: `Bearer ${token}`,
          'Idempotency-Key': idempotencyKey,
        },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        const chunks: Buffer[] = [];
        if (status !== okStatus) res.on('data', (c: Buffer) => chunks.push(c));
        else res.resume();
        res.on('end', () => resolve({ outcome: String(status), body: Buffer.concat(chunks).toString() }));
        res.on('error', (e) => resolve({ outcome: 'network error', body: e.message }));
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('timeout after 30 s')));
    req.on('error', (e) => resolve({ outcome: 'network error', body: e.message }));
    req.end(body);
  });
}

export interface LoadRun {
  /** Requests sent (at most `total`). */
  requests: number;
  /** Requests whose outcome `isOk` accepted. */
  ok: number;
  /** Count per outcome. */
  statuses: Map<string, number>;
  /** The first body (300 characters) per failed outcome. */
  samples: Map<string, string>;
  /** Latency per request, ms, sorted ascending. */
  latencies: Float64Array;
  elapsedMs: number;
  /** Sum of Attempt.retries. */
  retries: number;
}

export interface LoadOptions<J, W> {
  /** At most this many requests. */
  total: number;
  /** Stop starting requests after this long. */
  capMs: number;
  /** One closed loop per worker; each sends its next request when the previous one answered. */
  workers: W[];
  /** The i-th job (0-based, in the order requests are sent). */
  next: (i: number) => J;
  once: (job: J, worker: W) => Promise<Attempt>;
  isOk: (outcome: string) => boolean;
  /** Checked before each request; true stops the loops (e.g. after SIGINT). */
  stopped?: () => boolean;
}

/**
 * Closed-loop load: `workers.length` loops run until `total` requests were sent, the time cap passed
 * or `stopped()`; latency is measured per request from send to full answer.
 */
export async function runLoad<J, W>(o: LoadOptions<J, W>): Promise<LoadRun> {
  const latencies = new Float64Array(o.total);
  const statuses = new Map<string, number>();
  const samples = new Map<string, string>();
  let issued = 0;
  let done = 0;
  let ok = 0;
  let retries = 0;
  const start = performance.now();
  const deadline = start + o.capMs;
  const loop = async (worker: W) => {
    while (issued < o.total && performance.now() < deadline && !o.stopped?.()) {
      const job = o.next(issued++);
      const t0 = performance.now();
      const r = await o.once(job, worker);
      latencies[done++] = performance.now() - t0;
      statuses.set(r.outcome, (statuses.get(r.outcome) ?? 0) + 1);
      if (o.isOk(r.outcome)) ok++;
      else if (r.body && !samples.has(r.outcome)) samples.set(r.outcome, r.body.slice(0, 300));
      retries += r.retries ?? 0;
    }
  };
  await Promise.all(o.workers.map(loop));
  const elapsedMs = performance.now() - start;
  return {
    requests: issued,
    ok,
    statuses,
    samples,
    latencies: latencies.slice(0, done).sort(),
    elapsedMs,
    retries,
  };
}

// ---- statistics ----------------------------------------------------------------------------------

/** The p-quantile (0..1, nearest rank) of ascending `sorted`; NaN when empty. */
export function percentile(sorted: Float64Array, p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

/** The median of `xs` (the upper one for an even count). */
export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** `1234.5` ms → `"1.2 s"`. */
export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

// ---- CPU from /proc ------------------------------------------------------------------------------

const CLK_TCK_MS = 10; // Linux USER_HZ is 100 on every mainstream kernel

/** CPU time (user + system, ms) a process has used so far, from /proc; null when unreadable. */
export function procCpuMs(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * CLK_TCK_MS;
  } catch {
    return null;
  }
}

/** Busy and total CPU time of the whole machine (all cores, ms), from /proc/stat; null when unreadable. */
export function machineCpuMs(): { busy: number; total: number } | null {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy: (total - f[3] - f[4]) * CLK_TCK_MS, total: total * CLK_TCK_MS };
  } catch {
    return null;
  }
}

/** The first process whose /proc/<pid>/comm is one of `names` (e.g. the database server). */
export function findPid(names: string[]): number | undefined {
  try {
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        if (names.includes(readFileSync(`/proc/${d}/comm`, 'utf8').trim())) return Number(d);
      } catch {
        /* gone meanwhile */
      }
    }
  } catch {
    /* no /proc */
  }
  return undefined;
}

// ---- tables --------------------------------------------------------------------------------------

/**
 * Plain-text table: header, dashes, rows; the first `leftColumns` columns left-aligned, the rest
 * right-aligned, two spaces between columns.
 */
export function alignedTable(rows: string[][], leftColumns = 2): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r.map((c, i) => (i < leftColumns ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

/** Markdown table, every column left-aligned and padded to its width. */
export function markdownTable(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [
    line(rows[0]),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.slice(1).map(line),
  ].join('\n');
}

/**
 * Starts the compiled app in the worker role (no HTTP listener) and waits (up to 60 s) for its
 * "worker started" log line; its other output is dropped.
 */
export async function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [MAIN_JS], {
    env: { ...process.env, ...env, APP_ROLE: 'worker', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the worker did not start within 60 s')), 60_000);
    let seen = '';
    child.stdout!.on('data', (d: Buffer) => {
      if (seen === null) return;
      seen += d.toString();
      if (seen.includes('worker started')) {
        clearTimeout(timer);
        resolve();
      }
      seen = seen.slice(-200);
    });
    child.once('exit', (code) => reject(new Error(`the worker exited during start-up (code ${code})`)));
  });
  child.stdout!.resume();
  return child;
}
