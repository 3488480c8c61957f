import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { afterTimeId } from '../common/pagination';
import { SqlFragment, Where } from '../common/sql';
import { affectedRows } from '../database/transaction.service';
import { DeclarationStatus } from './entities/declaration.entity';

/** A declaration as the list reads it. */
export interface DeclarationRow {
  id: string;
  community_id: string;
  resident_id: string;
  rule_id: string;
  rule_name: string;
  rule_points: number;
  occurred_at: Date;
  note: string;
  declared_by: string;
  proxy: number;
  status: DeclarationStatus;
  reviewed_by: string | null;
  reviewed_at: Date | null;
  reject_reason: string | null;
  award_id: string | null;
  created_at: Date;
}

/** The one column list of `declarations` that raw reads select. */
const DECLARATION_COLUMNS = `id, community_id, resident_id, rule_id, rule_name, rule_points, occurred_at, note,
  declared_by, proxy, status, reviewed_by, reviewed_at, reject_reason, award_id, created_at`;

/** What a list of declarations is filtered by (each one optional). */
export interface DeclarationFilter {
  communityIds?: SqlFragment;
  communityId?: string;
  residentId?: string;
  status?: DeclarationStatus;
  /** A `TIME_ID` cursor. */
  cursor: Array<string | number> | null;
  limit: number;
}

/** The statements of `declarations` that TypeORM's repository does not express. */
@Injectable()
export class DeclarationsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Newest first: `limit` rows matching the filter after its cursor. */
  list(f: DeclarationFilter): Promise<DeclarationRow[]> {
    const w = new Where();
    if (f.communityIds) w.and(`community_id IN (${f.communityIds.sql})`, ...f.communityIds.params);
    if (f.communityId) w.and('community_id = ?', f.communityId);
    if (f.residentId) w.and('resident_id = ?', f.residentId);
    if (f.status) w.and('status = ?', f.status);
    w.and(afterTimeId(f.cursor, 'created_at', 'id'));
    return this.db.query(
      `SELECT ${DECLARATION_COLUMNS} FROM declarations ${w.sql} ORDER BY created_at DESC, id DESC LIMIT ?`,
      [...w.params, f.limit],
    );
  }

  /** pending → approved | rejected as a conditional update; whether it changed the row. */
  async review(
    tx: EntityManager,
    id: string,
    review: { to: 'approved' | 'rejected'; by: string; awardId: string | null; reason: string | null },
  ): Promise<boolean> {
    const res: unknown = await tx.query(
      `UPDATE declarations SET status = ?, reviewed_by = ?, reviewed_at = CURRENT_TIMESTAMP(3), award_id = ?, reject_reason = ?
        WHERE id = ? AND status = 'pending'`,
      [review.to, review.by, review.awardId, review.reason, id],
    );
    return affectedRows(res) > 0;
  }
}
