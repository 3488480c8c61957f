import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor } from '../common/actor';
import { notFound } from '../common/errors';
import { newId } from '../common/ids';
import { decodeCursor, TIME_ID, Page, PageQuery, pageLimit, toPage } from '../common/pagination';
import { NotificationsRepository } from './notifications.repository';

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
  constructor(private readonly notifications: NotificationsRepository) {}

  notify(tx: EntityManager, n: NotificationInput): Promise<void> {
    return this.notifyMany(tx, [n]);
  }

  /** Many notifications in one statement (a batch of captures). */
  async notifyMany(tx: EntityManager, ns: NotificationInput[]): Promise<void> {
    await this.notifications.insertMany(
      tx,
      ns.map((n) => ({
        id: newId(),
        user_id: n.userId,
        kind: n.kind,
        title: n.title,
        body: n.body,
        ref_type: n.refType ?? null,
        ref_id: n.refId ?? null,
      })),
    );
  }

  async list(actor: Actor, q: PageQuery & { unread?: boolean }): Promise<Page<NotificationView>> {
    const limit = pageLimit(q);
    const rows = await this.notifications.list(actor.id, {
      unread: !!q.unread,
      cursor: decodeCursor(q.cursor, TIME_ID),
      limit: limit + 1,
    });
    const items = rows.map((r): NotificationView => ({
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
    if (!(await this.notifications.markRead(actor.id, id))) throw notFound('notification', id);
  }
}
