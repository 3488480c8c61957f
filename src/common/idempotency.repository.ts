import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { affectedRows } from '../database/transaction.service';

/** A key's stored request and answer. */
export interface IdempotencyKeyRow {
  request_hash: string;
  response_body: string | null;
}

/** A key: unique per scope. */
export interface IdempotencyKeyId {
  scope: string;
  key: string;
}

/** The statements of `idempotency_keys`. */
@Injectable()
export class IdempotencyRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Claims the key (a duplicate-key error when it is taken; blocks while another holds it). */
  async claim(tx: EntityManager, k: IdempotencyKeyId, requestHash: string): Promise<void> {
    await tx.query(
      'INSERT INTO idempotency_keys (scope, idem_key, request_hash, created_at) VALUES (?, ?, ?, CURRENT_TIMESTAMP(3))',
      [k.scope, k.key, requestHash],
    );
  }

  /** Which of these keys are taken (committed, or by this transaction), as `scope\u001fkey`. */
  async taken(tx: EntityManager, ks: IdempotencyKeyId[]): Promise<Set<string>> {
    if (!ks.length) return new Set();
    const rows: Array<{ scope: string; idem_key: string }> = await tx.query(
      `SELECT scope, idem_key FROM idempotency_keys WHERE (scope, idem_key) IN (${ks.map(() => '(?, ?)').join(', ')})`,
      ks.flatMap((k) => [k.scope, k.key]),
    );
    return new Set(rows.map((r) => `${r.scope}\u001f${r.idem_key}`));
  }

  /** Stores the answer of the work the key ran. */
  async answer(tx: EntityManager, k: IdempotencyKeyId, body: string): Promise<void> {
    await tx.query(
      'UPDATE idempotency_keys SET response_status = 200, response_body = ? WHERE scope = ? AND idem_key = ?',
      [body, k.scope, k.key],
    );
  }

  /** Deletes the key if it is older than `windowSeconds`; whether it did. */
  async dropOlderThan(tx: EntityManager, k: IdempotencyKeyId, windowSeconds: number): Promise<boolean> {
    const res: unknown = await tx.query(
      `DELETE FROM idempotency_keys WHERE scope = ? AND idem_key = ?
          AND created_at < DATE_SUB(CURRENT_TIMESTAMP(3), INTERVAL ? SECOND)`,
      [k.scope, k.key, windowSeconds],
    );
    return affectedRows(res) > 0;
  }

  /**
   * Claims many keys with their answers at once (group commit: the batch knows every answer before
   * it writes its keys). Sorted by key, so that two batches never take them in crossing orders; a
   * key taken already fails the statement with a duplicate key.
   */
  async claimAnswered(
    tx: EntityManager,
    rows: Array<IdempotencyKeyId & { requestHash: string; body: string }>,
  ): Promise<void> {
    if (!rows.length) return;
    const sorted = [...rows].sort((a, b) => cmp(`${a.scope}\u001f${a.key}`, `${b.scope}\u001f${b.key}`));
    await tx.query(
      `INSERT INTO idempotency_keys (scope, idem_key, request_hash, response_status, response_body, created_at)
       VALUES ${sorted.map(() => '(?, ?, ?, 200, ?, CURRENT_TIMESTAMP(3))').join(', ')}`,
      sorted.flatMap((r) => [r.scope, r.key, r.requestHash, r.body]),
    );
  }

  /** The committed rows of these keys (read outside any transaction). */
  async findMany(keys: IdempotencyKeyId[]): Promise<Array<IdempotencyKeyId & IdempotencyKeyRow>> {
    if (!keys.length) return [];
    const rows: Array<{ scope: string; idem_key: string } & IdempotencyKeyRow> = await this.db.query(
      `SELECT scope, idem_key, request_hash, response_body FROM idempotency_keys
        WHERE (scope, idem_key) IN (${keys.map(() => '(?, ?)').join(', ')})`,
      keys.flatMap((k) => [k.scope, k.key]),
    );
    return rows.map((r) => ({
      scope: r.scope,
      key: r.idem_key,
      request_hash: r.request_hash,
      response_body: r.response_body,
    }));
  }

  /** The key's row as committed (read outside any transaction), or undefined. */
  async find(k: IdempotencyKeyId): Promise<IdempotencyKeyRow | undefined> {
    const rows: IdempotencyKeyRow[] = await this.db.query(
      'SELECT request_hash, response_body FROM idempotency_keys WHERE scope = ? AND idem_key = ?',
      [k.scope, k.key],
    );
    return rows[0];
  }
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
