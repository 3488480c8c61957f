import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { afterTimeId } from '../common/pagination';
import { affectedRows, isDuplicateKey } from '../database/transaction.service';
import { ChainedNotice } from './notice-chain';

/** A notice as raw reads return it. */
export interface NoticeRow {
  community_id: string;
  seq: number;
  kind: string;
  summary: string;
  ref_type: string;
  ref_id: string;
  created_at: Date;
  prev_hash: string;
  hash: string;
}

export interface ObjectionRow {
  id: string;
  community_id: string;
  seq: number;
  resident_id: string;
  reason: string;
  created_at: Date;
}

/** The one column list of `notices`. */
const NOTICE_COLUMNS = 'community_id, seq, kind, summary, ref_type, ref_id, created_at, prev_hash, hash';
/** The one column list of `notice_objections`. */
const OBJECTION_COLUMNS = 'id, community_id, seq, resident_id, reason, created_at';

export const toChained = (r: NoticeRow): ChainedNotice => ({
  communityId: r.community_id,
  seq: Number(r.seq),
  kind: r.kind,
  summary: r.summary,
  refType: r.ref_type,
  refId: r.ref_id,
  createdAt: new Date(r.created_at),
  prevHash: r.prev_hash,
  hash: r.hash,
});

/** The statements of `notice_chains`, `notices` and `notice_objections`. */
@Injectable()
export class NoticesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * The community's chain head, locked (FOR UPDATE) until the caller's transaction ends; created
   * (empty, at the genesis hash) on the community's first notice.
   */
  async lockHead(
    tx: EntityManager,
    communityId: string,
    genesis: string,
  ): Promise<{ length: number; hash: string }> {
    await tx.query(
      `INSERT INTO notice_chains (community_id, length, head_hash) VALUES (?, 0, ?)
       ON DUPLICATE KEY UPDATE community_id = community_id`,
      [communityId, genesis],
    );
    const [row]: Array<{ length: number; head_hash: string }> = await tx.query(
      'SELECT length, head_hash FROM notice_chains WHERE community_id = ? FOR UPDATE',
      [communityId],
    );
    return { length: Number(row.length), hash: row.head_hash };
  }

  /** Appends a notice and moves the head to it; the head must still be at `seq - 1`. */
  async append(tx: EntityManager, n: ChainedNotice): Promise<void> {
    await tx.query(`INSERT INTO notices (${NOTICE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
      n.communityId,
      n.seq,
      n.kind,
      n.summary,
      n.refType,
      n.refId,
      n.createdAt,
      n.prevHash,
      n.hash,
    ]);
    const moved = await tx.query(
      'UPDATE notice_chains SET length = ?, head_hash = ? WHERE community_id = ? AND length = ?',
      [n.seq, n.hash, n.communityId, n.seq - 1],
    );
    if (affectedRows(moved) !== 1) throw new Error(`notice chain of ${n.communityId} moved during an append`);
  }

  async existsFor(tx: EntityManager, communityId: string, refType: string, refId: string): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      'SELECT 1 AS x FROM notices WHERE ref_type = ? AND ref_id = ? AND community_id = ? LIMIT 1',
      [refType, refId, communityId],
    );
    return rows.length > 0;
  }

  /** The recorded head (length 0 at genesis without any notice). */
  async head(communityId: string): Promise<{ length: number; hash: string } | null> {
    const [row]: Array<{ length: number; head_hash: string }> = await this.db.query(
      'SELECT length, head_hash FROM notice_chains WHERE community_id = ?',
      [communityId],
    );
    return row ? { length: Number(row.length), hash: row.head_hash } : null;
  }

  /** Newest first: `limit` notices before `beforeSeq` (all when null). */
  page(communityId: string, beforeSeq: number | null, limit: number): Promise<NoticeRow[]> {
    return this.db.query(
      `SELECT ${NOTICE_COLUMNS} FROM notices
        WHERE community_id = ? ${beforeSeq === null ? '' : 'AND seq < ?'}
        ORDER BY seq DESC LIMIT ?`,
      [communityId, ...(beforeSeq === null ? [] : [beforeSeq]), limit],
    );
  }

  /** Oldest first: `limit` notices after `afterSeq` (for verification, page by page). */
  chainAfter(communityId: string, afterSeq: number, limit: number): Promise<NoticeRow[]> {
    return this.db.query(
      `SELECT ${NOTICE_COLUMNS} FROM notices WHERE community_id = ? AND seq > ? ORDER BY seq ASC LIMIT ?`,
      [communityId, afterSeq, limit],
    );
  }

  async find(communityId: string, seq: number): Promise<NoticeRow | null> {
    const [row]: NoticeRow[] = await this.db.query(
      `SELECT ${NOTICE_COLUMNS} FROM notices WHERE community_id = ? AND seq = ?`,
      [communityId, seq],
    );
    return row ?? null;
  }

  /** Records an objection; false when this resident already objected to this notice. */
  async insertObjection(o: Omit<ObjectionRow, 'created_at'>): Promise<boolean> {
    try {
      await this.db.query(
        `INSERT INTO notice_objections (${OBJECTION_COLUMNS}) VALUES (?, ?, ?, ?, ?, CURRENT_TIMESTAMP(3))`,
        [o.id, o.community_id, o.seq, o.resident_id, o.reason],
      );
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  async findObjection(id: string): Promise<ObjectionRow | null> {
    const [row]: ObjectionRow[] = await this.db.query(
      `SELECT ${OBJECTION_COLUMNS} FROM notice_objections WHERE id = ?`,
      [id],
    );
    return row ?? null;
  }

  /** Newest first: a community's objections (of one notice when `seq` is given) after a TIME_ID cursor. */
  objections(
    communityId: string,
    f: { seq?: number; cursor: Array<string | number> | null; limit: number },
  ): Promise<ObjectionRow[]> {
    const where = ['community_id = ?'];
    const params: unknown[] = [communityId];
    if (f.seq !== undefined) {
      where.push('seq = ?');
      params.push(f.seq);
    }
    const after = afterTimeId(f.cursor, 'created_at', 'id');
    if (after) {
      where.push(after.sql);
      params.push(...after.params);
    }
    return this.db.query(
      `SELECT ${OBJECTION_COLUMNS} FROM notice_objections WHERE ${where.join(' AND ')}
        ORDER BY created_at DESC, id DESC LIMIT ?`,
      [...params, f.limit],
    );
  }
}
