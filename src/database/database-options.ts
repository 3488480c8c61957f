import { createConnection } from 'mysql2/promise';
import { DataSourceOptions } from 'typeorm';
import { ALL_MIGRATIONS } from '../../migrations';

export type SqlEngine = 'mysql' | 'mariadb';

/** Connect timeout of the short-lived admin connections below (and the default of the pool's). */
const CONNECT_TIMEOUT_MS = 5000;

export interface ParsedDatabaseUrl {
  scheme: string;
  host: string;
  port: number;
  username: string;
  password: string;
  database: string;
  /**
   * A Unix socket of the server (`?socketPath=/run/mysqld/mysqld.sock`): connections go through it
   * instead of TCP to host:port (cheaper per statement on the same machine); host and port are
   * then only part of the URL's shape.
   */
  socketPath?: string;
}

export function parseDatabaseUrl(url: string): ParsedDatabaseUrl {
  const u = new URL(url);
  const socketPath = u.searchParams.get('socketPath') || undefined;
  return {
    scheme: u.protocol.replace(':', ''),
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 3306,
    username: decodeURIComponent(u.username || 'root'),
    password: decodeURIComponent(u.password || ''),
    database: u.pathname.replace(/^\//, ''),
    ...(socketPath ? { socketPath } : {}),
  };
}

/** A connection to the server without a database (engine detection, create and drop). */
function adminConnection(p: ParsedDatabaseUrl) {
  return createConnection({
    host: p.host,
    port: p.port,
    socketPath: p.socketPath,
    user: p.username,
    password: p.password,
    connectTimeout: CONNECT_TIMEOUT_MS,
  });
}

/**
 * TypeORM branches on `mysql` vs `mariadb` (FOR SHARE, JSON columns), so the engine must match the
 * server. A `mariadb://` URL says so; otherwise the server's VERSION() decides.
 */
export async function detectEngine(url: string): Promise<SqlEngine> {
  const p = parseDatabaseUrl(url);
  if (p.scheme === 'mariadb') return 'mariadb';
  const conn = await adminConnection(p);
  try {
    const [rows] = await conn.query('SELECT VERSION() AS v');
    return /mariadb/i.test(String((rows as Array<{ v: string }>)[0].v)) ? 'mariadb' : 'mysql';
  } finally {
    await conn.end();
  }
}

/** Creates the database (utf8mb4) if it does not exist. */
export async function ensureDatabase(url: string): Promise<void> {
  const p = parseDatabaseUrl(url);
  const conn = await adminConnection(p);
  try {
    await conn.query(
      `CREATE DATABASE IF NOT EXISTS \`${p.database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  } finally {
    await conn.end();
  }
}

export async function dropDatabase(url: string): Promise<void> {
  const p = parseDatabaseUrl(url);
  const conn = await adminConnection(p);
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${p.database}\``);
  } finally {
    await conn.end();
  }
}

export function buildDataSourceOptions(
  url: string,
  engine: SqlEngine,
  extra: { entities?: DataSourceOptions['entities']; poolSize?: number; connectTimeoutMs?: number } = {},
): DataSourceOptions {
  const p = parseDatabaseUrl(url);
  return {
    type: engine,
    host: p.host,
    port: p.port,
    ...(p.socketPath ? { socketPath: p.socketPath } : {}),
    username: p.username,
    password: p.password,
    database: p.database,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    dateStrings: false,
    synchronize: false,
    migrationsRun: false,
    migrations: ALL_MIGRATIONS,
    migrationsTableName: 'migrations',
    entities: extra.entities ?? [],
    poolSize: extra.poolSize ?? 20,
    // trace: false spares mysql2 a stack capture per query (measured: ~5% of the API's CPU).
    trace: false,
    // A server that does not answer fails the connect within this bound (mysql2's default: 10 s).
    connectTimeout: extra.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
    extra: { connectionLimit: extra.poolSize ?? 20, supportBigNumbers: true, bigNumberStrings: false },
    bigNumberStrings: false,
    supportBigNumbers: true,
  } as DataSourceOptions;
}
