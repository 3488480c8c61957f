import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { OfflineScanStatus } from './entities/offline-scan.entity';

/** A row of `offline_allowances`. */
export interface AllowanceRow {
  organization_id: string;
  max_scans: number;
  max_points: number;
  bundle_ttl_seconds: number;
  updated_by: string | null;
}

/** A row of `offline_scans`: one uploaded scan and what became of it. */
export interface OfflineScanRow {
  id: string;
  organization_id: string;
  device_id: string;
  scan_id: string;
  order_id: string | null;
  status: OfflineScanStatus;
  reason: string | null;
  scanned_at: Date;
  received_at: Date;
  over_allowance: number;
  uploaded_by: string;
}

/** What a scan's row records once the scan is judged. */
export interface ScanOutcome {
  status: OfflineScanStatus;
  reason: string | null;
  orderId: string | null;
  overAllowance: boolean;
}

/** The one column list of each table (`updated_at` and `received_at` are set by the database). */
const ALLOWANCE_COLUMNS = [
  'organization_id',
  'max_scans',
  'max_points',
  'bundle_ttl_seconds',
  'updated_by',
] as const;
const SCAN_COLUMNS = [
  'id',
  'organization_id',
  'device_id',
  'scan_id',
  'order_id',
  'status',
  'reason',
  'scanned_at',
  'received_at',
  'over_allowance',
  'uploaded_by',
] as const;

/** Offline scanning: each organisation's allowance and the uploaded scans. */
@Injectable()
export class OfflineBatchesRepository {
  async allowance(tx: EntityManager, organizationId: string): Promise<AllowanceRow | undefined> {
    const rows: AllowanceRow[] = await tx.query(
      `SELECT ${ALLOWANCE_COLUMNS.join(', ')} FROM offline_allowances WHERE organization_id = ?`,
      [organizationId],
    );
    return rows[0];
  }

  async putAllowance(tx: EntityManager, a: AllowanceRow): Promise<void> {
    const values = ALLOWANCE_COLUMNS.map((c) => a[c]);
    await tx.query(
      `INSERT INTO offline_allowances (${ALLOWANCE_COLUMNS.join(', ')}, updated_at)
       VALUES (${values.map(() => '?').join(', ')}, CURRENT_TIMESTAMP(3))
       ON DUPLICATE KEY UPDATE ${ALLOWANCE_COLUMNS.slice(1)
         .map((c) => `${c} = VALUES(${c})`)
         .join(', ')}`,
      values,
    );
  }

  /**
   * The scan's row, first statement of its transaction, as `invalid` until judged: the unique
   * (organisation, device, scan id) makes a second upload of the scan a duplicate key.
   */
  async insertScan(
    tx: EntityManager,
    s: Pick<
      OfflineScanRow,
      'id' | 'organization_id' | 'device_id' | 'scan_id' | 'scanned_at' | 'uploaded_by'
    >,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO offline_scans (${SCAN_COLUMNS.join(', ')})
       VALUES (?, ?, ?, ?, NULL, 'invalid', NULL, ?, CURRENT_TIMESTAMP(3), 0, ?)`,
      [s.id, s.organization_id, s.device_id, s.scan_id, s.scanned_at, s.uploaded_by],
    );
  }

  /**
   * Many scans' rows in one statement (an upload applied as one batch), each `invalid` until
   * judged; a scan uploaded before is a duplicate key that fails the statement.
   */
  async insertScans(
    tx: EntityManager,
    ss: Array<
      Pick<OfflineScanRow, 'id' | 'organization_id' | 'device_id' | 'scan_id' | 'scanned_at' | 'uploaded_by'>
    >,
  ): Promise<void> {
    if (!ss.length) return;
    await tx.query(
      `INSERT INTO offline_scans (${SCAN_COLUMNS.join(', ')})
       VALUES ${ss.map(() => "(?, ?, ?, ?, NULL, 'invalid', NULL, ?, CURRENT_TIMESTAMP(3), 0, ?)").join(', ')}`,
      ss.flatMap((s) => [s.id, s.organization_id, s.device_id, s.scan_id, s.scanned_at, s.uploaded_by]),
    );
  }

  /** The outcomes of many scans' rows in one statement. */
  async recordOutcomes(tx: EntityManager, os: Array<{ id: string; outcome: ScanOutcome }>): Promise<void> {
    if (!os.length) return;
    const cases = os.map(() => 'WHEN ? THEN ?').join(' ');
    const col = (f: (o: ScanOutcome) => unknown) => os.flatMap((o) => [o.id, f(o.outcome)]);
    await tx.query(
      `UPDATE offline_scans SET status = CASE id ${cases} END, reason = CASE id ${cases} END,
          order_id = CASE id ${cases} END, over_allowance = CASE id ${cases} END
        WHERE id IN (?)`,
      [
        ...col((o) => o.status),
        ...col((o) => o.reason),
        ...col((o) => o.orderId),
        ...col((o) => (o.overAllowance ? 1 : 0)),
        os.map((o) => o.id),
      ],
    );
  }

  async recordOutcome(tx: EntityManager, id: string, o: ScanOutcome): Promise<void> {
    await tx.query(
      'UPDATE offline_scans SET status = ?, reason = ?, order_id = ?, over_allowance = ? WHERE id = ?',
      [o.status, o.reason, o.orderId, o.overAllowance ? 1 : 0, id],
    );
  }

  async findScan(
    tx: EntityManager,
    k: { organizationId: string; deviceId: string; scanId: string },
  ): Promise<OfflineScanRow | undefined> {
    const rows: OfflineScanRow[] = await tx.query(
      `SELECT ${SCAN_COLUMNS.join(', ')} FROM offline_scans WHERE organization_id = ? AND device_id = ? AND scan_id = ?`,
      [k.organizationId, k.deviceId, k.scanId],
    );
    return rows[0];
  }

  /** The organisation's uploaded scans made in `[from, to)` (duplicates left out), newest first. */
  day(
    tx: EntityManager,
    s: { organizationId: string; from: Date; to: Date; max: number },
  ): Promise<OfflineScanRow[]> {
    return tx.query(
      `SELECT ${SCAN_COLUMNS.join(', ')} FROM offline_scans
        WHERE organization_id = ? AND scanned_at >= ? AND scanned_at < ? AND status <> 'duplicate'
        ORDER BY scanned_at DESC LIMIT ?`,
      [s.organizationId, s.from, s.to, s.max],
    );
  }
}
