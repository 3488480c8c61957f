import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { newId } from '../common/ids';

/**
 * Writes a job into the outbox inside the caller's transaction. Nothing is enqueued in an open
 * transaction: the relay picks the row up after commit, so a rolled-back transaction leaves no job.
 */
@Injectable()
export class OutboxService {
  async add(
    em: EntityManager,
    queue: string,
    name: string,
    payload: Record<string, unknown>,
    opts: { delayMs?: number; id?: string } = {},
  ): Promise<string> {
    const id = opts.id ?? newId();
    await em.query(
      `INSERT INTO outbox (id, queue, name, payload, available_at, created_at)
       VALUES (?, ?, ?, ?, DATE_ADD(CURRENT_TIMESTAMP(3), INTERVAL ? MICROSECOND), CURRENT_TIMESTAMP(3))`,
      [id, queue, name, JSON.stringify(payload), Math.max(0, opts.delayMs ?? 0) * 1000],
    );
    return id;
  }
}
