import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { isDuplicateKey, TransactionService } from '../database/transaction.service';
import { conflict, refuse } from './errors';
import { IdempotencyKeyId, IdempotencyRepository } from './idempotency.repository';

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

/** A key as one string (scope and key joined), for sets of keys. */
export const idempotencyKeyOf = (k: { scope: string; key: string }): string => `${k.scope}\u001f${k.key}`;

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
    private readonly keys: IdempotencyRepository,
  ) {}

  async run<T>(req: IdempotentRequest, work: (em: EntityManager) => Promise<T>): Promise<T> {
    if (!req.key) return this.tx.run(work);
    const k = { scope: req.scope, key: req.key };
    const hash = hashRequest(req.request);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        return await this.tx.run(async (em) => {
          await this.keys.claim(em, k, hash);
          const result = await work(em);
          await this.keys.answer(em, k, JSON.stringify(result ?? null));
          return result;
        });
      } catch (err) {
        if (!isDuplicateKey(err) || !(await this.keys.find(k))) throw err;
        if (req.windowSeconds !== undefined) {
          const windowSeconds = req.windowSeconds;
          if (await this.tx.run((em) => this.keys.dropOlderThan(em, k, windowSeconds))) continue;
        }
        const replay = await this.replay<T>(k, hash);
        if (replay.found) return replay.value;
      }
    }
    throw conflict('the request with this idempotency key is still in progress', { idempotencyKey: req.key });
  }

  /** Committed keys of many requests (group commit), by `scope \u001f key`. */
  async storedMany(
    keys: IdempotencyKeyId[],
  ): Promise<Map<string, { requestHash: string; responseBody: string | null }>> {
    const rows = await this.keys.findMany(keys);
    return new Map(
      rows.map((r) => [
        `${r.scope}\u001f${r.key}`,
        { requestHash: r.request_hash, responseBody: r.response_body },
      ]),
    );
  }

  /** Stores many keys with their answers in the caller's transaction (a taken key fails it). */
  claimAnsweredMany(
    tx: EntityManager,
    rows: Array<IdempotencyKeyId & { requestHash: string; body: string }>,
  ): Promise<void> {
    return this.keys.claimAnswered(tx, rows);
  }

  /**
   * For a batch of writes in one transaction (group commit): which of these keys are taken
   * already, as {@link idempotencyKeyOf}. A write whose key is taken is answered through
   * {@link run} instead (it replays, or refuses another body).
   */
  taken(tx: EntityManager, ks: Array<{ scope: string; key: string }>): Promise<Set<string>> {
    return this.keys.taken(tx, ks);
  }

  /**
   * Records the keys of a batch's successful writes with their answers, in the batch's transaction
   * (one statement). A key taken meanwhile by another process is a duplicate-key error: the caller's
   * batch fails and its writes are answered one at a time through {@link run}.
   */
  recordAnswered(
    tx: EntityManager,
    done: Array<{ scope: string; key: string; request: unknown; result: unknown }>,
  ): Promise<void> {
    return this.keys.claimAnswered(
      tx,
      done.map((d) => ({
        scope: d.scope,
        key: d.key,
        requestHash: hashRequest(d.request),
        body: JSON.stringify(d.result ?? null),
      })),
    );
  }

  private async replay<T>(
    k: IdempotencyKeyId,
    hash: string,
  ): Promise<{ found: true; value: T } | { found: false }> {
    const row = await this.keys.find(k);
    if (!row) return { found: false };
    if (row.request_hash !== hash) {
      throw refuse(
        'IDEMPOTENCY_KEY_REUSED',
        { idempotencyKey: k.key },
        'this Idempotency-Key was used with another request body',
      );
    }
    return { found: true, value: JSON.parse(row.response_body ?? 'null') as T };
  }
}
