import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { afterTimeId } from '../common/pagination';
import { affectedRows } from '../database/transaction.service';
import type { DisputeKind, DisputeResolution, DisputeStatus } from './entities/redemption-dispute.entity';

/** A row of `redemption_disputes`. */
export interface DisputeRow {
  id: string;
  organization_id: string;
  order_id: string;
  community_id: string;
  offline_scan_id: string;
  device_id: string;
  kind: DisputeKind;
  status: DisputeStatus;
  resolution: DisputeResolution | null;
  note: string | null;
  resolved_by: string | null;
  resolved_at: Date | null;
  created_at: Date;
}

/** A dispute with the scan that raised it. */
export interface DisputeScanRow extends DisputeRow {
  scan_id: string | null;
  scanned_at: Date | null;
}

/**
 * Which disputes a caller sees: all, or those of these organisations or of residents of these
 * communities.
 */
export type DisputeVisibility = 'all' | { organizationIds: string[]; communityIds: string[] };

/** The one column list of `redemption_disputes`. */
const COLUMNS = [
  'id',
  'organization_id',
  'order_id',
  'community_id',
  'offline_scan_id',
  'device_id',
  'kind',
  'status',
  'resolution',
  'note',
  'resolved_by',
  'resolved_at',
  'created_at',
] as const;
const SELECT_WITH_SCAN = `SELECT ${COLUMNS.map((c) => `d.${c}`).join(', ')}, s.scan_id, s.scanned_at
    FROM redemption_disputes d
    LEFT JOIN offline_scans s ON s.id = d.offline_scan_id`;

function visible(v: DisputeVisibility): { sql: string; params: unknown[] } {
  if (v === 'all') return { sql: '1 = 1', params: [] };
  const ors: string[] = [];
  const params: unknown[] = [];
  if (v.organizationIds.length) {
    ors.push('d.organization_id IN (?)');
    params.push(v.organizationIds);
  }
  if (v.communityIds.length) {
    ors.push('d.community_id IN (?)');
    params.push(v.communityIds);
  }
  return { sql: ors.length ? `(${ors.join(' OR ')})` : '1 = 0', params };
}

@Injectable()
export class DisputesRepository {
  async insert(
    tx: EntityManager,
    d: Pick<
      DisputeRow,
      'id' | 'organization_id' | 'order_id' | 'community_id' | 'offline_scan_id' | 'device_id' | 'kind'
    >,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO redemption_disputes (${COLUMNS.join(', ')})
       VALUES (?, ?, ?, ?, ?, ?, ?, 'open', NULL, NULL, NULL, NULL, CURRENT_TIMESTAMP(3))`,
      [d.id, d.organization_id, d.order_id, d.community_id, d.offline_scan_id, d.device_id, d.kind],
    );
  }

  /** Newest first, `limit + 1` rows. */
  list(
    tx: EntityManager,
    v: DisputeVisibility,
    f: { status?: DisputeStatus; cursor: Array<string | number> | null; limit: number },
  ): Promise<DisputeScanRow[]> {
    const scope = visible(v);
    const where = [scope.sql];
    const params = [...scope.params];
    if (f.status) {
      where.push('d.status = ?');
      params.push(f.status);
    }
    const after = afterTimeId(f.cursor, 'd.created_at', 'd.id');
    if (after) {
      where.push(after.sql);
      params.push(...after.params);
    }
    return tx.query(
      `${SELECT_WITH_SCAN} WHERE ${where.join(' AND ')} ORDER BY d.created_at DESC, d.id DESC LIMIT ?`,
      [...params, f.limit + 1],
    );
  }

  async findVisible(
    tx: EntityManager,
    v: DisputeVisibility,
    id: string,
  ): Promise<DisputeScanRow | undefined> {
    const scope = visible(v);
    const rows: DisputeScanRow[] = await tx.query(`${SELECT_WITH_SCAN} WHERE d.id = ? AND ${scope.sql}`, [
      id,
      ...scope.params,
    ]);
    return rows[0];
  }

  async find(tx: EntityManager, id: string): Promise<DisputeRow | undefined> {
    const rows: DisputeRow[] = await tx.query(
      `SELECT ${COLUMNS.join(', ')} FROM redemption_disputes WHERE id = ?`,
      [id],
    );
    return rows[0];
  }

  /** Resolves an open dispute (conditional); false when it was resolved already. */
  async resolve(
    tx: EntityManager,
    id: string,
    r: { resolution: DisputeResolution; note: string | null; resolvedBy: string },
  ): Promise<boolean> {
    const res = await tx.query(
      `UPDATE redemption_disputes SET status = 'resolved', resolution = ?, note = ?, resolved_by = ?,
              resolved_at = CURRENT_TIMESTAMP(3)
        WHERE id = ? AND status = 'open'`,
      [r.resolution, r.note, r.resolvedBy, id],
    );
    return affectedRows(res) > 0;
  }
}
