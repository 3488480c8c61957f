import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { affectedRows } from '../database/transaction.service';
import type { LineDraft } from './settlement-rules';

export type LineStatus = 'open' | 'paid' | 'unpaid';

/** A frozen line as stored. */
export interface SettlementLineRow {
  id: string;
  period: string;
  payer_community_id: string;
  provider_organization_id: string;
  points: string | number;
  point_value_fen: number;
  amount_fen: string | number;
  status: LineStatus;
  code: string | null;
  transfer_id: string | null;
  closed_by_region_id: string;
}

/** The one column list of `settlement_lines` (reads and inserts; the times are the database's). */
const LINE_COLUMNS =
  'id, period, payer_community_id, provider_organization_id, points, point_value_fen, amount_fen, status, code, transfer_id, closed_by_region_id';

/** The statements of `settlement_closes` and `settlement_lines`. */
@Injectable()
export class SettlementRepository {
  /**
   * Records the close of a month for a region unless it is recorded, and holds the row's exclusive
   * lock either way (the upsert takes it at once), so concurrent closes of one region take turns.
   */
  async upsertClose(tx: EntityManager, regionId: string, period: string, closedBy: string): Promise<void> {
    await tx.query(
      `INSERT INTO settlement_closes (region_id, period, closed_by) VALUES (?, ?, ?)
       ON DUPLICATE KEY UPDATE region_id = region_id`,
      [regionId, period, closedBy],
    );
  }

  /** The earliest close of the month among these regions (a region and its ancestors), if any. */
  async closeAmong(
    tx: EntityManager,
    period: string,
    regionIds: string[],
  ): Promise<{ regionId: string; closedAt: Date } | null> {
    if (!regionIds.length) return null;
    const rows: Array<{ region_id: string; closed_at: Date }> = await tx.query(
      `SELECT region_id, closed_at FROM settlement_closes WHERE period = ? AND region_id IN (?)
        ORDER BY closed_at, region_id LIMIT 1`,
      [period, regionIds],
    );
    return rows[0] ? { regionId: rows[0].region_id, closedAt: rows[0].closed_at } : null;
  }

  /** Freezes lines: a line of the month already frozen (by this or another region's close) stays as it is. */
  async insertLines(
    tx: EntityManager,
    period: string,
    closedByRegionId: string,
    lines: Array<LineDraft & { id: string }>,
  ): Promise<void> {
    for (let i = 0; i < lines.length; i += 500) {
      const part = lines.slice(i, i + 500);
      await tx.query(
        `INSERT INTO settlement_lines (${LINE_COLUMNS})
         VALUES ${part.map(() => "(?, ?, ?, ?, ?, ?, ?, 'open', NULL, NULL, ?)").join(', ')}
         ON DUPLICATE KEY UPDATE id = id`,
        part.flatMap((l) => [
          l.id,
          period,
          l.payerCommunityId,
          l.providerOrganizationId,
          l.points,
          l.pointValueFen,
          l.amountFen,
          closedByRegionId,
        ]),
      );
    }
  }

  /** The month's frozen lines of these paying communities (and of one provider, when given). */
  async lines(
    tx: EntityManager,
    period: string,
    payerIds: string[],
    providerId: string | null,
  ): Promise<SettlementLineRow[]> {
    if (!payerIds.length) return [];
    const out: SettlementLineRow[] = [];
    for (let i = 0; i < payerIds.length; i += 1000) {
      out.push(
        ...(await tx.query(
          `SELECT ${LINE_COLUMNS} FROM settlement_lines
            WHERE period = ? AND payer_community_id IN (?)${providerId ? ' AND provider_organization_id = ?' : ''}
            ORDER BY payer_community_id, provider_organization_id`,
          [period, payerIds.slice(i, i + 1000), ...(providerId ? [providerId] : [])],
        )),
      );
    }
    return out;
  }

  /** The line, locked (FOR UPDATE) for the rest of the transaction: its posting is serialised here. */
  async lock(tx: EntityManager, id: string): Promise<SettlementLineRow | null> {
    const rows: SettlementLineRow[] = await tx.query(
      `SELECT ${LINE_COLUMNS} FROM settlement_lines WHERE id = ? FOR UPDATE`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** An open line becomes paid (with its transfer) or unpaid (with why); returns whether it was open. */
  async settle(
    tx: EntityManager,
    id: string,
    outcome: { status: 'paid'; transferId: string | null } | { status: 'unpaid'; code: string },
  ): Promise<boolean> {
    const res: unknown = await tx.query(
      `UPDATE settlement_lines SET status = ?, transfer_id = ?, code = ? WHERE id = ? AND status = 'open'`,
      [
        outcome.status,
        outcome.status === 'paid' ? outcome.transferId : null,
        outcome.status === 'unpaid' ? outcome.code : null,
        id,
      ],
    );
    return affectedRows(res) > 0;
  }
}
