import { AsyncLocalStorage } from 'node:async_hooks';
import { DataSource } from 'typeorm';
import { ACQUIRE_TIMEOUT_CODE } from './database-faults';

/**
 * Bounds on waiting for the database, so that a server that is down or hung costs a caller seconds,
 * not minutes: connecting is bounded by mysql2's `connectTimeout`, getting a connection from the
 * pool by `acquireTimeoutMs` (mysql2's pool has no such bound of its own) and every statement by a
 * timeout that depends on who is waiting: an HTTP request (short, see {@link withQueryTimeout}) or
 * background work (jobs, sweepers: the long default).
 */
export interface PoolBounds {
  acquireTimeoutMs: number;
  /** Statements outside any {@link withQueryTimeout} scope: jobs, sweepers, start-up. */
  defaultQueryTimeoutMs: number;
}

const scope = new AsyncLocalStorage<{ queryTimeoutMs: number }>();

/** Runs `fn` with every statement it sends bounded by `ms` (HTTP requests run in such a scope). */
export function withQueryTimeout<T>(ms: number, fn: () => T): T {
  return scope.run({ queryTimeoutMs: ms }, fn);
}

/** The statement timeout of the current scope, or `fallback` outside any. */
export function currentQueryTimeout(fallback: number): number {
  return scope.getStore()?.queryTimeoutMs ?? fallback;
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

/**
 * Adds the bounds to the mysql2 pool behind a TypeORM DataSource (call once, after initialize).
 * A statement that times out destroys its connection: mysql2 would otherwise keep the connection
 * busy with the unanswered statement, and the ROLLBACK that TypeORM sends next would wait behind it
 * for ever. The server rolls back the transaction of a closed connection by itself.
 */
export function boundPool(dataSource: DataSource, bounds: PoolBounds): void {
  const pool = (dataSource.driver as unknown as { pool?: RawPool }).pool;
  if (!pool || pool.__bounded) return;
  pool.__bounded = true;
  const getConnection = pool.getConnection.bind(pool);
  pool.getConnection = (cb) => {
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      cb(
        Object.assign(new Error(`no database connection within ${bounds.acquireTimeoutMs} ms`), {
          code: ACQUIRE_TIMEOUT_CODE,
        }),
      );
    }, bounds.acquireTimeoutMs);
    timer.unref();
    getConnection((err, conn) => {
      clearTimeout(timer);
      if (settled) {
        // The caller gave up meanwhile: hand the connection back to the pool.
        if (!err && conn) conn.release();
        return;
      }
      settled = true;
      if (!err && conn) boundConnection(conn, bounds.defaultQueryTimeoutMs);
      cb(err, conn);
    });
  };
}

function boundConnection(conn: RawConnection, defaultTimeoutMs: number): void {
  if (conn.__bounded) return;
  conn.__bounded = true;
  const query = conn.query.bind(conn);
  conn.query = (...args: unknown[]) => {
    const last = args.length - 1;
    if (typeof args[last] !== 'function') return query(...args);
    const cb = args[last] as Callback;
    const timeout = currentQueryTimeout(defaultTimeoutMs);
    const sql = args[0];
    if (typeof sql === 'string') args[0] = { sql, timeout };
    else if (isPlainOptions(sql) && sql.timeout === undefined) args[0] = { ...sql, timeout };
    const sent: { command?: { queryTimeout?: NodeJS.Timeout | null } } = {};
    args[last] = (err: unknown, ...rest: unknown[]) => {
      // mysql2 leaves the statement's timer running when the connection fails under it (the
      // timer would fire later, and keep a process alive that should exit): clear it.
      const command = sent.command;
      if (command?.queryTimeout) {
        clearTimeout(command.queryTimeout);
        command.queryTimeout = null;
      }
      if ((err as { code?: string } | null)?.code === 'PROTOCOL_SEQUENCE_TIMEOUT') conn.destroy();
      cb(err, ...rest);
    };
    sent.command = query(...args) as typeof sent.command;
    return sent.command;
  };
}

/** `{sql, timeout?, ...}` query options, not one of mysql2's command objects. */
function isPlainOptions(v: unknown): v is { sql: string; timeout?: number } {
  return !!v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype && 'sql' in v;
}
