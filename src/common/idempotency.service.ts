import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { affectedRows, isDuplicateKey, TransactionService } from '../database/transaction.service';
import { DomainError } from './domain-error';

export interface IdempotentRequest {
  /** Who and what: e.g. `orders:<userId>`; keys are unique per scope. */
  scope: string;
  /** The client's `Idempotency-Key`, or undefined for a plain (non-idempotent) call. */
  key?: string;
  /** The request body (and anything else that must match on replay). */
  request: unknown;
  /**
   * How long the key holds, in seconds; unset: for ever. An older key row is replaced, so the same
   * request runs again (keys derived from the request itself, e.g. a double-clicked award).
   */
  windowSeconds?: number;
}

export function hashRequest(request: unknown): string {
  return createHash('sha256').update(stableStringify(request)).digest('hex');
}

function stableStringify(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'undefined';
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stableStringify(o[k])}`)
    .join(',')}}`;
}

/**
 * Runs a value-creating unit of work at most once per idempotency key. The key row is inserted in
 * the same transaction as the work and stores the response; a concurrent request with the same key
 * blocks on the unique index until the first commits, then replays its stored response. If the
 * work fails, the key row rolls back with it and the key can be used again.
 */
@Injectable()
export class IdempotencyService {
  constructor(
    private readonly tx: TransactionService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async run<T>(req: IdempotentRequest, work: (em: EntityManager) => Promise<T>): Promise<T> {
    if (!req.key) return this.tx.run(work);
    const hash = hashRequest(req.request);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        return await this.tx.run(async (em) => {
          await em.query(
            'INSERT INTO idempotency_keys (scope, idem_key, request_hash, created_at) VALUES (?, ?, ?, CURRENT_TIMESTAMP(3))',
            [req.scope, req.key, hash],
          );
          const result = await work(em);
          await em.query(
            'UPDATE idempotency_keys SET response_status = 200, response_body = ? WHERE scope = ? AND idem_key = ?',
            [JSON.stringify(result ?? null), req.scope, req.key],
          );
          return result;
        });
      } catch (err) {
        if (!isDuplicateKey(err) || !(await this.exists(req))) throw err;
        if (req.windowSeconds !== undefined && (await this.dropExpired(req, req.windowSeconds))) continue;
        const replay = await this.replay<T>(req, hash);
        if (replay.found) return replay.value;
      }
    }
    throw new DomainError(
      'CONFLICT',
      { idempotencyKey: req.key },
      'the request with this idempotency key is still in progress',
    );
  }

  /** Deletes the key row if it is older than the window; true when it did. */
  private async dropExpired(req: IdempotentRequest, windowSeconds: number): Promise<boolean> {
    const res = await this.tx.run((em) =>
      em.query(
        `DELETE FROM idempotency_keys WHERE scope = ? AND idem_key = ?
            AND created_at < DATE_SUB(CURRENT_TIMESTAMP(3), INTERVAL ? SECOND)`,
        [req.scope, req.key, windowSeconds],
      ),
    );
    return affectedRows(res) > 0;
  }

  private async exists(req: IdempotentRequest): Promise<boolean> {
    const rows = await this.dataSource.query(
      'SELECT 1 FROM idempotency_keys WHERE scope = ? AND idem_key = ?',
      [req.scope, req.key],
    );
    return rows.length > 0;
  }

  private async replay<T>(
    req: IdempotentRequest,
    hash: string,
  ): Promise<{ found: true; value: T } | { found: false }> {
    const rows: Array<{ request_hash: string; response_body: string | null }> = await this.dataSource.query(
      'SELECT request_hash, response_body FROM idempotency_keys WHERE scope = ? AND idem_key = ?',
      [req.scope, req.key],
    );
    if (!rows.length) return { found: false };
    if (rows[0].request_hash !== hash) {
      throw new DomainError(
        'IDEMPOTENCY_KEY_REUSED',
        { idempotencyKey: req.key },
        'this Idempotency-Key was used with another request body',
      );
    }
    return { found: true, value: JSON.parse(rows[0].response_body ?? 'null') as T };
  }
}
