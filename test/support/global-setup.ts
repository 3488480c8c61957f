import { createConnection } from 'mysql2/promise';
import Redis from 'ioredis';
import { parseDatabaseUrl } from '../../src/database/database-options';

/** Fails the whole run at once, with a clear message, when the database or Redis is not there. */
export default async function globalSetup(): Promise<void> {
  const dbUrl = process.env.TEST_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/jifen_test';
  const p = parseDatabaseUrl(dbUrl);
  try {
    const c = await createConnection({
      host: p.host,
      port: p.port,
      user: p.username,
      password: p.password,
      connectTimeout: 3000,
    });
    await c.end();
  } catch (err) {
    throw new Error(
      `e2e tests need MySQL/MariaDB at ${p.host}:${p.port} (TEST_DATABASE_URL): ${(err as Error).message}`,
      { cause: err },
    );
  }
  const redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new Error(`e2e tests need Redis (TEST_REDIS_URL): ${(err as Error).message}`, { cause: err });
  } finally {
    redis.disconnect();
  }
}
