import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { newId } from '../common/ids';

/** A row of `scan_audit`: one online scan and its answer. */
export interface ScanAuditRow {
  id: string;
  actor_id: string;
  organization_id: string | null;
  device_id: string | null;
  outcome: string;
  order_id: string | null;
  created_at: Date;
}

/** The one column list of `scan_audit` (`created_at` last: the database sets it). */
const COLUMNS = [
  'id',
  'actor_id',
  'organization_id',
  'device_id',
  'outcome',
  'order_id',
  'created_at',
] as const;

@Injectable()
export class ScanAuditRepository {
  insert(tx: EntityManager, l: Omit<ScanAuditRow, 'id' | 'created_at'>): Promise<void> {
    return this.insertMany(tx, [l]);
  }

  /** Many audit lines in one statement (a batch of scans). */
  async insertMany(tx: EntityManager, ls: Array<Omit<ScanAuditRow, 'id' | 'created_at'>>): Promise<void> {
    if (!ls.length) return;
    await tx.query(
      `INSERT INTO scan_audit (${COLUMNS.join(', ')}) VALUES ${ls.map(() => '(?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP(3))').join(', ')}`,
      ls.flatMap((l) => [newId(), l.actor_id, l.organization_id, l.device_id, l.outcome, l.order_id]),
    );
  }

  /** The online scans at an organisation's counter (or by the actor anywhere) in `[from, to)`, newest first. */
  day(
    tx: EntityManager,
    s: { organizationId: string; actorId: string; from: Date; to: Date; max: number },
  ): Promise<ScanAuditRow[]> {
    return tx.query(
      `SELECT ${COLUMNS.join(', ')} FROM scan_audit
        WHERE (organization_id = ? OR actor_id = ?) AND created_at >= ? AND created_at < ?
        ORDER BY created_at DESC LIMIT ?`,
      [s.organizationId, s.actorId, s.from, s.to, s.max],
    );
  }
}
