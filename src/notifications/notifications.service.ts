import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../common/actor';
import { notFound } from '../common/errors';
import { newId } from '../common/ids';
import { decodeCursor, TIME_ID, Page, PageQuery, pageLimit, toPage } from '../common/pagination';

export interface NotificationInput {
  userId: string;
  kind: string;
  title: string;
  body: string;
  refType?: string;
  refId?: string;
}

export interface NotificationView {
  id: string;
  kind: string;
  title: string;
  body: string;
  refType: string | null;
  refId: string | null;
  readAt: Date | null;
  createdAt: Date;
}

/** Stored per user; one per (user, kind, subject), so a retried job never notifies twice. */
@Injectable()
export class NotificationsService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async notify(em: EntityManager, n: NotificationInput): Promise<void> {
    await em.query(
      `INSERT INTO notifications (id, user_id, kind, title, body, ref_type, ref_id, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP(3)) ON DUPLICATE KEY UPDATE id = id`,
      [newId(), n.userId, n.kind, n.title, n.body, n.refType ?? null, n.refId ?? null],
    );
  }

  async list(actor: Actor, q: PageQuery & { unread?: boolean }): Promise<Page<NotificationView>> {
    const limit = pageLimit(q);
    const cursor = decodeCursor(q.cursor, TIME_ID);
    const params: unknown[] = [actor.id];
    let where = 'user_id = ?';
    if (q.unread) where += ' AND read_at IS NULL';
    if (cursor) {
      where += ' AND (created_at < ? OR (created_at = ? AND id < ?))';
      params.push(new Date(String(cursor[0])), new Date(String(cursor[0])), cursor[1]);
    }
    const rows: Array<Record<string, any>> = await this.db.query(
      `SELECT id, kind, title, body, ref_type, ref_id, read_at, created_at FROM notifications WHERE ${where}
        ORDER BY created_at DESC, id DESC LIMIT ?`,
      [...params, limit + 1],
    );
    const items = rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      title: r.title,
      body: r.body,
      refType: r.ref_type,
      refId: r.ref_id,
      readAt: r.read_at,
      createdAt: r.created_at,
    }));
    return toPage(items, limit, (n) => [new Date(n.createdAt).toISOString(), n.id]);
  }

  async markRead(actor: Actor, id: string): Promise<void> {
    const rows = await this.db.query('SELECT id FROM notifications WHERE id = ? AND user_id = ?', [
      id,
      actor.id,
    ]);
    if (!rows.length) throw notFound('notification', id);
    await this.db.query(
      'UPDATE notifications SET read_at = COALESCE(read_at, CURRENT_TIMESTAMP(3)) WHERE id = ?',
      [id],
    );
  }
}
