import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/app.setup';
import { AppConfig, loadConfig } from '../../src/config/configuration';
import { LedgerAuditService } from '../../src/ledger/ledger-audit.service';
import {
  buildDataSourceOptions,
  detectEngine,
  dropDatabase,
  ensureDatabase,
  parseDatabaseUrl,
} from '../../src/database/database-options';

export const ADMIN = { username: 'admin', password: 'admin-test-password' };

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  http: () => ReturnType<typeof request>;
  db: DataSource;
  /** Plain SQL against the test database. */
  sql: <T = any>(query: string, params?: unknown[]) => Promise<T[]>;
  close: () => Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  /** Boot without starting workers and schedulers (APP_ROLE=api). */
  role?: 'all' | 'api' | 'worker';
  /** A second process of the same deployment: same database and queue prefix (not dropped on close). */
  attachTo?: TestApp;
  /** The database server (a URL whose database name is replaced), default TEST_DATABASE_URL's. */
  databaseServer?: string;
}

/** Runs the migrations on a fresh database; returns its URL. */
export async function freshDatabase(
  tag = 't',
  base = process.env.TEST_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/jifen_test',
): Promise<string> {
  const p = parseDatabaseUrl(base);
  const name = `jifen_${tag}_${process.pid}_${randomBytes(3).toString('hex')}`;
  const auth = p.password
    ? `${encodeURIComponent(p.username)}:${encodeURIComponent(p.password)}`
    : encodeURIComponent(p.username);
  const url = `${p.scheme}://${auth}@${p.host}:${p.port}/${name}`;
  await ensureDatabase(url);
  const ds = new DataSource(buildDataSourceOptions(url, await detectEngine(url), { poolSize: 2 }));
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();
  return url;
}

/**
 * Boots the real app (every module, real MariaDB, real Redis) on its own database and queue prefix,
 * so test files run in parallel. `close()` stops it, drops the database and deletes its Redis keys.
 */
export async function createTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const databaseUrl = opts.attachTo
    ? opts.attachTo.config.databaseUrl
    : await freshDatabase('t', opts.databaseServer);
  const queuePrefix = opts.attachTo
    ? opts.attachTo.config.queuePrefix
    : `jt${process.pid}${randomBytes(3).toString('hex')}`;
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: queuePrefix,
    APP_ROLE: opts.role ?? 'all',
    JWT_SECRET: 'test-secret-0123456789abcdef',
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    KEY_ENCRYPTION_SECRET: 'test-key-secret-0123456789',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    OUTBOX_POLL_MS: '50',
    ...opts.env,
  };
  Object.assign(process.env, env);
  const config = loadConfig(process.env);
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  const app = moduleRef.createNestApplication({ bodyParser: false, logger: false });
  configureApp(app, config);
  await app.init();
  const db = app.get(DataSource);
  let closed = false;
  return {
    app,
    config,
    db,
    http: () => request(app.getHttpServer()),
    sql: (q, params) => db.query(q, params),
    close: async () => {
      if (closed) return;
      closed = true;
      if (opts.attachTo) {
        await app.close();
        return;
      }
      // Every test file ends with a ledger audit: any violated invariant fails the file.
      const report = await app.get(LedgerAuditService).run();
      await app.close();
      if (!report.ok) {
        await dropDatabase(databaseUrl);
        throw new Error(`ledger audit failed: ${JSON.stringify(report.violations, null, 2)}`);
      }
      await dropDatabase(databaseUrl);
      await deleteRedisKeys(env.REDIS_URL, queuePrefix);
    },
  };
}

export async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => null, lazyConnect: true });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } catch {
    /* Redis may be the thing a test stopped */
  } finally {
    redis.disconnect();
  }
}

/** Polls `probe` until `ok` holds or the deadline passes (no sleeping as synchronisation). */
export async function waitFor<T>(
  probe: () => Promise<T>,
  ok: (v: T) => boolean,
  { timeoutMs = 10_000, everyMs = 25, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await probe();
    if (ok(last)) return last;
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(last)}`,
      );
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
