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

  /** Claims many keys with their answers in one statement (a duplicate-key error when one is taken). */
  async claimAnswered(
    tx: EntityManager,
    ks: Array<IdempotencyKeyId & { requestHash: string; body: string }>,
  ): Promise<void> {
    if (!ks.length) return;
    await tx.query(
      `INSERT INTO idempotency_keys (scope, idem_key, request_hash, response_status, response_body, created_at)
       VALUES ${ks.map(() => '(?, ?, ?, 200, ?, CURRENT_TIMESTAMP(3))').join(', ')}`,
      ks.flatMap((k) => [k.scope, k.key, k.requestHash, k.body]),
    );
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

  /** The key's row as committed (read outside any transaction), or undefined. */
  async find(k: IdempotencyKeyId): Promise<IdempotencyKeyRow | undefined> {
    const rows: IdempotencyKeyRow[] = await this.db.query(
      'SELECT request_hash, response_body FROM idempotency_keys WHERE scope = ? AND idem_key = ?',
      [k.scope, k.key],
    );
    return rows[0];
  }
}
