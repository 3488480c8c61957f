import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { afterTimeId } from '../common/pagination';
import { SqlFragment } from '../common/sql';
import { affectedRows, isDuplicateKey } from '../database/transaction.service';
import { AppealStatus } from './entities/appeal.entity';

/** An appeal as raw reads return it. */
export interface AppealRow {
  id: string;
  community_id: string;
  resident_id: string;
  award_id: string;
  transfer_id: string;
  points: number;
  rule_name: string;
  deducted_by: string;
  reason: string;
  status: AppealStatus;
  decided_by: string | null;
  decided_at: Date | null;
  decision_comment: string | null;
  reversal_transfer_id: string | null;
  created_at: Date;
}

/** The one column list of `appeals` that raw reads select. */
const APPEAL_COLUMNS = `id, community_id, resident_id, award_id, transfer_id, points, rule_name, deducted_by, reason,
  status, decided_by, decided_at, decision_comment, reversal_transfer_id, created_at`;

export type NewAppeal = Pick<
  AppealRow,
  | 'id'
  | 'community_id'
  | 'resident_id'
  | 'award_id'
  | 'transfer_id'
  | 'points'
  | 'rule_name'
  | 'deducted_by'
  | 'reason'
>;

/** What a list of appeals is filtered by. */
export interface AppealFilter {
  communityIds?: SqlFragment;
  communityId?: string;
  residentId?: string;
  status?: AppealStatus;
  /** A `TIME_ID` cursor. */
  cursor: Array<string | number> | null;
  limit: number;
}

/** The statements of `appeals`. */
@Injectable()
export class AppealsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Inserts a pending appeal; false when the deduction has an open one already (UNIQUE open_key). */
  async insertPending(tx: EntityManager, a: NewAppeal): Promise<boolean> {
    try {
      await tx.query(
        `INSERT INTO appeals (id, community_id, resident_id, award_id, transfer_id, points, rule_name, deducted_by,
                              reason, status, open_key)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)`,
        [
          a.id,
          a.community_id,
          a.resident_id,
          a.award_id,
          a.transfer_id,
          a.points,
          a.rule_name,
          a.deducted_by,
          a.reason,
          a.transfer_id,
        ],
      );
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  /** Decides a pending appeal: false when it is no longer pending (another decision came first). */
  async decide(
    tx: EntityManager,
    d: {
      id: string;
      status: AppealStatus;
      decidedBy: string;
      comment: string | null;
      reversalTransferId: string | null;
    },
  ): Promise<boolean> {
    const res = await tx.query(
      `UPDATE appeals
          SET status = ?, open_key = NULL, decided_by = ?, decided_at = CURRENT_TIMESTAMP(3),
              decision_comment = ?, reversal_transfer_id = ?
        WHERE id = ? AND status = 'pending'`,
      [d.status, d.decidedBy, d.comment, d.reversalTransferId, d.id],
    );
    return affectedRows(res) === 1;
  }

  async find(id: string): Promise<AppealRow | null> {
    const [row]: AppealRow[] = await this.db.query(`SELECT ${APPEAL_COLUMNS} FROM appeals WHERE id = ?`, [
      id,
    ]);
    return row ?? null;
  }

  /** Newest first: `limit` appeals matching the filter after its cursor. */
  list(f: AppealFilter): Promise<AppealRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (f.communityIds) {
      where.push(`community_id IN (${f.communityIds.sql})`);
      params.push(...f.communityIds.params);
    }
    const eq: Array<[string, unknown]> = [
      ['community_id', f.communityId],
      ['resident_id', f.residentId],
      ['status', f.status],
    ];
    for (const [col, v] of eq)
      if (v !== undefined) {
        where.push(`${col} = ?`);
        params.push(v);
      }
    const after = afterTimeId(f.cursor, 'created_at', 'id');
    if (after) {
      where.push(after.sql);
      params.push(...after.params);
    }
    return this.db.query(
      `SELECT ${APPEAL_COLUMNS} FROM appeals ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY created_at DESC, id DESC LIMIT ?`,
      [...params, f.limit],
    );
  }
}
