import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** MySQL/MariaDB errors after which the whole unit of work can be tried again. */
const RETRYABLE = new Set([1213 /* ER_LOCK_DEADLOCK */, 1205 /* ER_LOCK_WAIT_TIMEOUT */]);

export function isRetryableDbError(err: unknown): boolean {
  const e = err as { errno?: number; driverError?: { errno?: number } };
  return RETRYABLE.has(e?.errno ?? -1) || RETRYABLE.has(e?.driverError?.errno ?? -1);
}

export function isDuplicateKey(err: unknown): boolean {
  const e = err as { errno?: number; driverError?: { errno?: number } };
  return e?.errno === 1062 || e?.driverError?.errno === 1062;
}

/** Rows changed by an UPDATE or DELETE run through `em.query` (mysql2's ResultSetHeader). */
export const affectedRows = (res: unknown): number => {
  const r = (Array.isArray(res) ? res[0] : res) as { affectedRows?: number } | undefined;
  return r?.affectedRows ?? 0;
};

export interface TxOptions {
  /** How many times the whole unit of work runs at most (default 5). */
  attempts?: number;
  isolation?: 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE';
}

/**
 * The one way into a transaction. Owns begin, commit and rollback, and retries the *whole unit of
 * work* (a fresh transaction each time) on deadlock or lock wait timeout, a bounded number of times
 * with jittered back-off. Any other error, or the last retryable one, is rethrown as it was.
 */
@Injectable()
export class TransactionService {
  private readonly log = new Logger('Transaction');

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async run<T>(work: (em: EntityManager) => Promise<T>, opts: TxOptions = {}): Promise<T> {
    const attempts = opts.attempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.dataSource.transaction(opts.isolation ?? 'READ COMMITTED', work);
      } catch (err) {
        if (!isRetryableDbError(err) || attempt >= attempts) throw err;
        const wait = Math.floor(Math.random() * 20 * attempt) + 5 * attempt;
        this.log.debug(
          `retrying after ${(err as Error).message} (attempt ${attempt}/${attempts}, ${wait} ms)`,
        );
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }
}
