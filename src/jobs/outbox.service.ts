import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { newId } from '../common/ids';
import { OutboxRepository } from './outbox.repository';

/**
 * Writes a job into the outbox inside the caller's transaction. Nothing is enqueued in an open
 * transaction: the relay picks the row up after commit, so a rolled-back transaction leaves no job.
 */
@Injectable()
export class OutboxService {
  constructor(private readonly outbox: OutboxRepository) {}

  async add(
    tx: EntityManager,
    queue: string,
    name: string,
    payload: Record<string, unknown>,
    opts: { delayMs?: number; id?: string } = {},
  ): Promise<string> {
    const id = opts.id ?? newId();
    await this.outbox.insert(tx, { id, queue, name, payload, delayMs: opts.delayMs ?? 0 });
    return id;
  }

  /** One job per payload, in one statement (group commit); returns the rows' ids. */
  async addMany(
    tx: EntityManager,
    queue: string,
    name: string,
    payloads: Array<Record<string, unknown>>,
  ): Promise<string[]> {
    const rows = payloads.map((payload) => ({ id: newId(), queue, name, payload, delayMs: 0 }));
    await this.outbox.insertMany(tx, rows);
    return rows.map((r) => r.id);
  }
}
