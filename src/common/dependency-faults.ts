import { isDatabaseUnavailable } from '../database/database-faults';
import { isRedisUnavailable } from '../jobs/redis-faults';
import { DomainError } from './domain-error';
import { refuse } from './errors';

/** What a client is told to wait before trying again while a dependency is down (`Retry-After`). */
export const RETRY_AFTER_SECONDS = 5;

export const databaseUnavailable = () =>
  refuse(
    'DATABASE_UNAVAILABLE',
    { retryAfterSeconds: RETRY_AFTER_SECONDS },
    'the database is unavailable; try again shortly',
  );

export const queueUnavailable = () =>
  refuse(
    'QUEUE_UNAVAILABLE',
    { retryAfterSeconds: RETRY_AFTER_SECONDS },
    'the job queue (Redis) is unavailable; try again shortly',
  );

/**
 * The 503 to answer for a fault of a dependency (the database or Redis unreachable, hung, shutting
 * down), or null for any other error. Redis is checked first: its messages are specific, while
 * socket codes such as ECONNREFUSED are shared with the database driver.
 */
export function dependencyFault(err: unknown): DomainError | null {
  if (!err || err instanceof DomainError) return null;
  if (isRedisUnavailable(err)) return queueUnavailable();
  if (isDatabaseUnavailable(err)) return databaseUnavailable();
  return null;
}
