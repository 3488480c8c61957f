import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { afterTimeId } from '../common/pagination';

/** A notification as it is stored. */
export interface NotificationRow {
  id: string;
  user_id: string;
  kind: string;
  title: string;
  body: string;
  ref_type: string | null;
  ref_id: string | null;
  read_at: Date | null;
  created_at: Date;
}

/** The one column list of `notifications`. */
const COLUMNS = 'id, user_id, kind, title, body, ref_type, ref_id, read_at, created_at';

/** The statements of `notifications`. */
@Injectable()
export class NotificationsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Stores a notification unless the user has one of this kind for this subject (UNIQUE). */
  insert(tx: EntityManager, n: Omit<NotificationRow, 'read_at' | 'created_at'>): Promise<void> {
    return this.insertMany(tx, [n]);
  }

  /** Stores many notifications in one statement, each unless the user has it already (UNIQUE). */
  async insertMany(
    tx: EntityManager,
    ns: Array<Omit<NotificationRow, 'read_at' | 'created_at'>>,
  ): Promise<void> {
    if (!ns.length) return;
    await tx.query(
      `INSERT INTO notifications (${COLUMNS})
       VALUES ${ns.map(() => '(?, ?, ?, ?, ?, ?, ?, NULL, CURRENT_TIMESTAMP(3))').join(', ')}
       ON DUPLICATE KEY UPDATE id = id`,
      ns.flatMap((n) => [n.id, n.user_id, n.kind, n.title, n.body, n.ref_type, n.ref_id]),
    );
  }

  /** A user's notifications, newest first, after a `TIME_ID` cursor: `limit` rows. */
  list(
    userId: string,
    q: { unread: boolean; cursor: Array<string | number> | null; limit: number },
  ): Promise<NotificationRow[]> {
    const after = afterTimeId(q.cursor, 'created_at', 'id');
    return this.db.query(
      `SELECT ${COLUMNS} FROM notifications
        WHERE user_id = ?${q.unread ? ' AND read_at IS NULL' : ''}${after ? ` AND ${after.sql}` : ''}
        ORDER BY created_at DESC, id DESC LIMIT ?`,
      [userId, ...(after?.params ?? []), q.limit],
    );
  }

  /** Marks the user's notification read (once: the first time stays); whether it is theirs. */
  async markRead(userId: string, id: string): Promise<boolean> {
    const rows: Array<{ id: string }> = await this.db.query(
      'SELECT id FROM notifications WHERE id = ? AND user_id = ?',
      [id, userId],
    );
    if (!rows.length) return false;
    await this.db.query(
      'UPDATE notifications SET read_at = COALESCE(read_at, CURRENT_TIMESTAMP(3)) WHERE id = ?',
      [id],
    );
    return true;
  }
}
