import { AsyncLocalStorage } from 'node:async_hooks';
import { createConnection } from 'mysql2';
import { DataSource } from 'typeorm';
import { ACQUIRE_TIMEOUT_CODE } from './database-faults';

/**
 * Bounds on waiting for the database, so that a server that is down or hung costs a caller seconds,
 * not minutes, while a server that is merely busy is waited for:
 * - connecting is bounded by mysql2's `connectTimeout`;
 * - waiting for a pool connection (mysql2's pool has no bound of its own) and, inside an HTTP
 *   request ({@link withQueryTimeout}), waiting for a statement's answer are checked after
 *   `acquireTimeoutMs` / the request's statement timeout: if the server has answered nothing in
 *   that time (no statement of this process, no ping within {@link PING_TIMEOUT_MS}), the wait
 *   fails and the request answers 503 `DATABASE_UNAVAILABLE`. A burst of requests queueing for
 *   connections, or a statement waiting for a lock, on a server that answers goes on;
 * - every statement has a hard timeout (`hardQueryTimeoutMs`: jobs, report builds, sweepers).
 * A statement that fails on a timeout destroys its connection: mysql2 would keep the connection busy
 * with the unanswered statement, and the ROLLBACK that TypeORM sends next would wait behind it for
 * ever. The server rolls back the transaction of a closed connection by itself.
 */
export interface PoolBounds {
  acquireTimeoutMs: number;
  hardQueryTimeoutMs: number;
}

/** How long the liveness ping (its own connection) may take. */
export const PING_TIMEOUT_MS = 1000;

/**
 * How long a ping's verdict stands for other waiters: long enough for a ping started ahead of a
 * check ({@link Liveness.warm}) to be the one the check reads.
 */
const PROBE_REUSE_MS = PING_TIMEOUT_MS + 500;

const scope = new AsyncLocalStorage<{ queryTimeoutMs: number }>();

/** Runs `fn` with its statements failing after `ms` without an answer from the server (HTTP requests). */
export function withQueryTimeout<T>(ms: number, fn: () => T): T {
  return scope.run({ queryTimeoutMs: ms }, fn);
}

type Callback = (err: unknown, ...rest: unknown[]) => void;

interface RawConnection {
  query: (...args: unknown[]) => unknown;
  release: () => void;
  destroy: () => void;
  __bounded?: boolean;
}

interface RawPool {
  getConnection: (cb: (err: unknown, conn?: RawConnection) => void) => void;
  __bounded?: boolean;
}

interface Credentials {
  host?: string;
  port?: number;
  socketPath?: string;
  username?: string;
  password?: string;
}

/** Errors of the connection rather than answers of the server. */
const isConnectionError = (err: unknown): boolean => {
  const e = err as { fatal?: boolean; sqlState?: string; code?: string } | null;
  return !!e && (e.fatal === true || (!e.sqlState && e.code !== undefined));
};

/** Whether the server answers: recent answers on any connection, or a ping on a fresh connection. */
class Liveness {
  lastAnswerAt = Date.now();
  private probe?: { at: number; alive: Promise<boolean> };

  constructor(private readonly credentials: Credentials) {}

  answered(): void {
    this.lastAnswerAt = Date.now();
  }

  /** True when the server answered within `withinMs`, or answers a ping now. */
  alive(withinMs: number): Promise<boolean> {
    const now = Date.now();
    if (now - this.lastAnswerAt < withinMs) return Promise.resolve(true);
    if (this.probe && now - this.probe.at < PROBE_REUSE_MS) return this.probe.alive;
    const alive = this.ping();
    this.probe = { at: now, alive };
    return alive;
  }

  /**
   * Starts a ping when the server has answered nothing for `quietMs` (and none began in the last
   * 500 ms): called one ping-timeout before a check, so that the check reads a verdict that is
   * ready and a hung server costs a waiter the check's delay, not the delay plus a ping. A server
   * that answered meanwhile costs nothing.
   */
  warm(quietMs: number): void {
    const now = Date.now();
    if (now - this.lastAnswerAt < quietMs) return;
    if (this.probe && now - this.probe.at < 500) return;
    this.probe = { at: now, alive: this.ping() };
  }

  private ping(): Promise<boolean> {
    return new Promise((resolve) => {
      const c = createConnection({
        host: this.credentials.host,
        port: this.credentials.port,
        socketPath: this.credentials.socketPath,
        user: this.credentials.username,
        password: this.credentials.password,
        connectTimeout: PING_TIMEOUT_MS,
      });
      const timer = setTimeout(() => done(false), PING_TIMEOUT_MS);
      timer.unref();
      let settled = false;
      const done = (ok: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        c.destroy();
        if (ok) this.answered();
        resolve(ok);
      };
      c.on('error', () => done(false));
      c.query({ sql: 'SELECT 1', timeout: PING_TIMEOUT_MS }, (err) => done(!err));
    });
  }
}

/**
 * Runs `check` after `waitMs`, warming the liveness ping one ping-timeout before it (one timer at a
 * time); `cancel` stops either.
 */
function checkAfter(liveness: Liveness, waitMs: number, check: () => void): { cancel: () => void } {
  const leadMs = waitMs - PING_TIMEOUT_MS;
  let timer: NodeJS.Timeout;
  const at = (ms: number, fn: () => void) => {
    timer = setTimeout(fn, ms);
    timer.unref();
  };
  if (leadMs > 0)
    at(leadMs, () => {
      liveness.warm(leadMs);
      at(waitMs - leadMs, check);
    });
  else at(waitMs, check);
  return { cancel: () => clearTimeout(timer) };
}

/** Adds the bounds to the mysql2 pool behind a TypeORM DataSource (once, after initialize). */
export function boundPool(dataSource: DataSource, bounds: PoolBounds): void {
  const pool = (dataSource.driver as unknown as { pool?: RawPool }).pool;
  if (!pool || pool.__bounded) return;
  pool.__bounded = true;
  const liveness = new Liveness(dataSource.options as Credentials);
  const getConnection = pool.getConnection.bind(pool);
  pool.getConnection = (cb) => {
    const started = Date.now();
    let settled = false;
    let pending: { cancel: () => void } | undefined;
    const giveUp = (why: string) => {
      settled = true;
      cb(Object.assign(new Error(`no database connection: ${why}`), { code: ACQUIRE_TIMEOUT_CODE }));
    };
    const check = async () => {
      if (settled) return;
      if (Date.now() - started >= bounds.hardQueryTimeoutMs) return giveUp('the pool stayed busy');
      if (!(await liveness.alive(bounds.acquireTimeoutMs)) && !settled)
        return giveUp(`the server answered nothing for ${bounds.acquireTimeoutMs} ms`);
      if (!settled) pending = checkAfter(liveness, 500, () => void check());
    };
    pending = checkAfter(liveness, bounds.acquireTimeoutMs, () => void check());
    getConnection((err, conn) => {
      pending?.cancel();
      if (!err) liveness.answered();
      if (settled) {
        // The caller gave up meanwhile: hand the connection back to the pool.
        if (!err && conn) conn.release();
        return;
      }
      settled = true;
      if (!err && conn) boundConnection(conn, liveness, bounds.hardQueryTimeoutMs);
      cb(err, conn);
    });
  };
}

function boundConnection(conn: RawConnection, liveness: Liveness, hardTimeoutMs: number): void {
  if (conn.__bounded) return;
  conn.__bounded = true;
  const query = conn.query.bind(conn);
  conn.query = (...args: unknown[]) => {
    const last = args.length - 1;
    if (typeof args[last] !== 'function') return query(...args);
    const cb = args[last] as Callback;
    const sql = args[0];
    if (typeof sql === 'string') args[0] = { sql, timeout: hardTimeoutMs };
    else if (isPlainOptions(sql) && sql.timeout === undefined) args[0] = { ...sql, timeout: hardTimeoutMs };
    const stallMs = scope.getStore()?.queryTimeoutMs;
    const sent: { command?: { queryTimeout?: NodeJS.Timeout | null } } = {};
    let settled = false;
    let watchdog: { cancel: () => void } | undefined;
    const finish = (err: unknown, rest: unknown[]) => {
      if (settled) return;
      settled = true;
      watchdog?.cancel();
      // mysql2 leaves the statement's timer running when the connection fails under it (the
      // timer would fire later, and keep a process alive that should exit): clear it.
      const command = sent.command;
      if (command?.queryTimeout) {
        clearTimeout(command.queryTimeout);
        command.queryTimeout = null;
      }
      if (!err || !isConnectionError(err)) liveness.answered();
      if ((err as { code?: string } | null)?.code === 'PROTOCOL_SEQUENCE_TIMEOUT') conn.destroy();
      cb(err, ...rest);
    };
    args[last] = (err: unknown, ...rest: unknown[]) => finish(err, rest);
    if (stallMs !== undefined) {
      const started = Date.now();
      const check = async () => {
        if (settled) return;
        if (await liveness.alive(stallMs)) {
          if (!settled && Date.now() - started < hardTimeoutMs)
            watchdog = checkAfter(liveness, 500, () => void check());
          return;
        }
        if (settled) return;
        conn.destroy();
        finish(
          Object.assign(new Error(`the database answered nothing for ${stallMs} ms`), {
            code: 'PROTOCOL_SEQUENCE_TIMEOUT',
          }),
          [],
        );
      };
      watchdog = checkAfter(liveness, stallMs, () => void check());
    }
    sent.command = query(...args) as typeof sent.command;
    return sent.command;
  };
}

/** `{sql, timeout?, ...}` query options, not one of mysql2's command objects. */
function isPlainOptions(v: unknown): v is { sql: string; timeout?: number } {
  return !!v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype && 'sql' in v;
}
