import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { afterTimeId } from '../common/pagination';
import type { RedemptionChannel } from './entities/redemption.entity';
import { Where } from '../common/sql';

/** A row of `redemptions`. */
export interface RedemptionRow {
  id: string;
  order_id: string;
  organization_id: string;
  listing_id: string;
  resident_id: string;
  community_id: string;
  points: number;
  redeemed_by: string;
  device_id: string | null;
  channel: RedemptionChannel;
  scan_id: string | null;
  scanned_at: Date;
  capture_transfer_id: string;
  created_at: Date;
}

/** Which redemptions a counter lists: its organisations', optionally of a period, listing, device. */
export interface RedemptionFilter {
  organizationIds: string[];
  period?: { from: Date; to: Date };
  listingId?: string;
  deviceId?: string;
  cursor: Array<string | number> | null;
  limit: number;
}

/** The one column list of `redemptions` (`created_at` last: the database sets it). */
const COLUMNS = [
  'id',
  'order_id',
  'organization_id',
  'listing_id',
  'resident_id',
  'community_id',
  'points',
  'redeemed_by',
  'device_id',
  'channel',
  'scan_id',
  'scanned_at',
  'capture_transfer_id',
  'created_at',
] as const;
const SELECT = `SELECT ${COLUMNS.map((c) => `r.${c}`).join(', ')} FROM redemptions r`;

@Injectable()
export class RedemptionsRepository {
  insert(tx: EntityManager, r: Omit<RedemptionRow, 'created_at'>): Promise<void> {
    return this.insertMany(tx, [r]);
  }

  /** Many redemption rows in one statement. */
  async insertMany(tx: EntityManager, rs: Array<Omit<RedemptionRow, 'created_at'>>): Promise<void> {
    if (!rs.length) return;
    const given = COLUMNS.slice(0, -1);
    const row = `(${given.map(() => '?').join(', ')}, CURRENT_TIMESTAMP(3))`;
    await tx.query(
      `INSERT INTO redemptions (${COLUMNS.join(', ')}) VALUES ${rs.map(() => row).join(', ')}`,
      rs.flatMap((r) => given.map((c) => r[c as keyof typeof r])),
    );
  }

  /** Newest first, `limit + 1` rows (the last one tells whether a next page exists). */
  async list(tx: EntityManager, f: RedemptionFilter): Promise<RedemptionRow[]> {
    const w = new Where()
      .and('r.organization_id IN (?)', f.organizationIds)
      .and(afterTimeId(f.cursor, 'r.created_at', 'r.id'));
    if (f.period) w.and('r.created_at >= ? AND r.created_at < ?', f.period.from, f.period.to);
    if (f.listingId) w.and('r.listing_id = ?', f.listingId);
    if (f.deviceId) w.and('r.device_id = ?', f.deviceId);
    const rows: RedemptionRow[] = await tx.query(
      `${SELECT} ${w.sql} ORDER BY r.created_at DESC, r.id DESC LIMIT ?`,
      [...w.params, f.limit + 1],
    );
    return rows.map((r) => ({ ...r, points: Number(r.points) }));
  }
}
