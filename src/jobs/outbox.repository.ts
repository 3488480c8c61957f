import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** A row of the outbox as the relay reads it: what to enqueue, and how long it still waits. */
export interface OutboxRow {
  id: string;
  queue: string;
  name: string;
  payload: string;
  delay_ms: number | string;
}

export interface NewOutboxRow {
  id: string;
  queue: string;
  name: string;
  payload: Record<string, unknown>;
  delayMs: number;
}

/** The outbox's statements: written in the caller's transaction, relayed and pruned by the relay. */
@Injectable()
export class OutboxRepository {
  async insert(tx: EntityManager, row: NewOutboxRow): Promise<void> {
    await this.insertMany(tx, [row]);
  }

  /** Many rows in one statement (group commit). */
  async insertMany(tx: EntityManager, rows: NewOutboxRow[]): Promise<void> {
    if (!rows.length) return;
    await tx.query(
      `INSERT INTO outbox (id, queue, name, payload, available_at, created_at)
       VALUES ${rows.map(() => '(?, ?, ?, ?, DATE_ADD(CURRENT_TIMESTAMP(3), INTERVAL ? MICROSECOND), CURRENT_TIMESTAMP(3))').join(', ')}`,
      rows.flatMap((row) => [
        row.id,
        row.queue,
        row.name,
        JSON.stringify(row.payload),
        Math.max(0, row.delayMs) * 1000,
      ]),
    );
  }

  /** Up to `limit` unsent rows, oldest due first, skipping rows another relay holds. */
  claimUnsent(tx: EntityManager, limit: number): Promise<OutboxRow[]> {
    return tx.query(
      `SELECT id, queue, name, payload,
              GREATEST(0, TIMESTAMPDIFF(MICROSECOND, CURRENT_TIMESTAMP(3), available_at) DIV 1000) AS delay_ms
         FROM outbox WHERE sent_at IS NULL ORDER BY available_at, id LIMIT ? FOR UPDATE SKIP LOCKED`,
      [limit],
    );
  }

  async markSent(tx: EntityManager, ids: string[]): Promise<void> {
    await tx.query(
      `UPDATE outbox SET sent_at = CURRENT_TIMESTAMP(3), attempts = attempts + 1 WHERE id IN (?)`,
      [ids],
    );
  }

  /** Deletes up to 1,000 rows sent more than `retentionDays` ago. */
  async pruneSent(tx: EntityManager, retentionDays: number): Promise<void> {
    await tx.query(
      'DELETE FROM outbox WHERE sent_at IS NOT NULL AND sent_at < DATE_SUB(CURRENT_TIMESTAMP(3), INTERVAL ? DAY) LIMIT 1000',
      [retentionDays],
    );
  }
}
