/** Plain ioredis options (structurally what BullMQ's `connection` accepts). */
export type RedisOptions = Record<string, any>;

/** ioredis options from a redis:// URL. */
export function redisOptionsFromUrl(url: string): RedisOptions {
  const u = new URL(url);
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname && u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
  };
}

/**
 * Producer connections fail fast while Redis is down (no offline queue, one retry per command) or
 * hung (a command unanswered for 2 s fails); the client keeps reconnecting in the background with a
 * back-off capped at 1 s, so it is back within a second of Redis.
 */
export function producerRedisOptions(url: string): RedisOptions {
  return {
    ...redisOptionsFromUrl(url),
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    commandTimeout: 2000,
    retryStrategy: (times: number) => Math.min(100 * times, 1000),
  };
}

/**
 * Worker (blocking) connections wait for Redis forever and reconnect by themselves, at most 1 s
 * apart, so that the workers pick up the backlog within a second of Redis coming back.
 */
export function workerRedisOptions(url: string): RedisOptions {
  return {
    ...redisOptionsFromUrl(url),
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    connectTimeout: 2000,
    retryStrategy: (times: number) => Math.min(200 * times, 1000),
  };
}
