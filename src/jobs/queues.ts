/** Every BullMQ queue of the product. Jobs carry ids, not entities. */
export const QUEUES = {
  system: 'system',
  earning: 'earning',
  orders: 'orders',
  reports: 'reports',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** Completed jobs are kept a day so that a re-added jobId (the outbox row id) is a no-op. */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: 'exponential' as const, delay: 500 },
  removeOnComplete: { age: 24 * 3600, count: 100_000 },
  removeOnFail: { age: 14 * 24 * 3600 },
};
