/**
 * Errors of ioredis and BullMQ that mean "Redis cannot be reached right now" (down, restarting,
 * hung). The HTTP error filter answers them 503 `QUEUE_UNAVAILABLE` with `Retry-After`.
 */
const REDIS_MESSAGES = [
  /^connection is closed/i,
  /stream isn't writeable and enableofflinequeue options is false/i,
  /reached the max retries per request limit/i,
  /^command timed out/i,
  /^redis (is )?(down|unavailable)/i,
];

const REDIS_ERROR_NAMES = new Set(['MaxRetriesPerRequestError']);

export function isRedisUnavailable(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { name?: unknown; message?: unknown };
  if (typeof e.name === 'string' && REDIS_ERROR_NAMES.has(e.name)) return true;
  return typeof e.message === 'string' && REDIS_MESSAGES.some((re) => re.test(e.message as string));
}
