import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../common/actor';
import { DomainError } from '../common/domain-error';
import { notFound } from '../common/errors';
import { newId } from '../common/ids';
import { decodeCursor, TIME_ID, Page, pageLimit, toPage } from '../common/pagination';
import { affectedRows, TransactionService } from '../database/transaction.service';
import { maskName } from '../earning/masking';
import { OrderEntity } from '../orders/entities/order.entity';
import { DisputesQuery, DisputeView, ResolveDisputeDto } from './dto/redemption.dto';
import type { DisputeKind } from './entities/redemption-dispute.entity';
import { ScannerAccess } from './scanner-access.service';

const SELECT_VIEW = `SELECT d.*, s.scan_id, s.scanned_at, o.listing_id, o.total_points, l.title AS listing_title,
         u.display_name
    FROM redemption_disputes d
    JOIN regions r ON r.id = d.community_id
    LEFT JOIN offline_scans s ON s.id = d.offline_scan_id
    LEFT JOIN orders o ON o.id = d.order_id
    LEFT JOIN listings l ON l.id = o.listing_id
    LEFT JOIN users u ON u.id = o.resident_id`;

/**
 * Disputes raised by offline scans that could not be captured. Staff of the organisation see theirs;
 * community staff, street officers and city administrators see those of residents of their region.
 * Anyone else gets 404, like a missing dispute. Resolving records who and when, once.
 */
@Injectable()
export class DisputesService {
  constructor(
    private readonly tx: TransactionService,
    private readonly access: ScannerAccess,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  /** Inside the offline scan's transaction. */
  async open(
    em: EntityManager,
    d: {
      organizationId: string;
      order: OrderEntity;
      offlineScanId: string;
      deviceId: string;
      kind: DisputeKind;
    },
  ): Promise<string> {
    const id = newId();
    await em.query(
      `INSERT INTO redemption_disputes (id, organization_id, order_id, community_id, offline_scan_id, device_id, kind, status, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'open', CURRENT_TIMESTAMP(3))`,
      [id, d.organizationId, d.order.id, d.order.communityId, d.offlineScanId, d.deviceId, d.kind],
    );
    return id;
  }

  async list(actor: Actor, q: DisputesQuery): Promise<Page<DisputeView>> {
    const limit = pageLimit(q);
    const cursor = decodeCursor(q.cursor, TIME_ID);
    const { where, params } = await this.visibility(actor);
    if (q.status) {
      where.push('d.status = ?');
      params.push(q.status);
    }
    if (cursor) {
      where.push('(d.created_at < ? OR (d.created_at = ? AND d.id < ?))');
      params.push(new Date(String(cursor[0])), new Date(String(cursor[0])), String(cursor[1]));
    }
    const rows: Array<Record<string, any>> = await this.db.query(
      `${SELECT_VIEW} WHERE ${where.join(' AND ')} ORDER BY d.created_at DESC, d.id DESC LIMIT ?`,
      [...params, limit + 1],
    );
    return toPage(rows.map(toDisputeView), limit, (d) => [new Date(d.createdAt).toISOString(), d.id]);
  }

  async resolve(actor: Actor, id: string, dto: ResolveDisputeDto): Promise<DisputeView> {
    await this.getVisible(actor, id); // 404 outside the caller's view
    const [own]: Array<{ n: number | string }> = await this.db.query(
      'SELECT COUNT(*) AS n FROM redemption_disputes d JOIN orders o ON o.id = d.order_id WHERE d.id = ? AND o.resident_id = ?',
      [id, actor.id],
    );
    if (Number(own.n))
      throw new DomainError(
        'SELF_SERVICE_FORBIDDEN',
        { disputeId: id },
        'you may not resolve a dispute about your own voucher',
      );
    await this.tx.run(async (em) => {
      const changed = affectedRows(
        await em.query(
          `UPDATE redemption_disputes SET status = 'resolved', resolution = ?, note = ?, resolved_by = ?,
                  resolved_at = CURRENT_TIMESTAMP(3)
            WHERE id = ? AND status = 'open'`,
          [dto.resolution, dto.note ?? null, actor.id, id],
        ),
      );
      if (!changed) {
        const [now]: Array<Record<string, any>> = await em.query(
          'SELECT resolution, resolved_by, resolved_at FROM redemption_disputes WHERE id = ?',
          [id],
        );
        throw new DomainError(
          'ALREADY_RESOLVED',
          {
            disputeId: id,
            resolution: now?.resolution,
            resolvedBy: now?.resolved_by,
            resolvedAt: now?.resolved_at,
          },
          'this dispute was already resolved',
        );
      }
    });
    return this.getVisible(actor, id);
  }

  private async getVisible(actor: Actor, id: string): Promise<DisputeView> {
    const { where, params } = await this.visibility(actor);
    const rows: Array<Record<string, any>> = await this.db.query(
      `${SELECT_VIEW} WHERE d.id = ? AND ${where.join(' AND ')}`,
      [id, ...params],
    );
    if (!rows[0]) throw notFound('dispute', id);
    return toDisputeView(rows[0]);
  }

  private async visibility(actor: Actor): Promise<{ where: string[]; params: unknown[] }> {
    const scope = await this.access.disputeScope(actor);
    if (scope.regionPath === null) return { where: ['1 = 1'], params: [] };
    const ors: string[] = [];
    const params: unknown[] = [];
    if (scope.organizationIds.length) {
      ors.push('d.organization_id IN (?)');
      params.push(scope.organizationIds);
    }
    if (scope.regionPath) {
      ors.push('r.path LIKE ?');
      params.push(`${scope.regionPath.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    }
    return { where: [ors.length ? `(${ors.join(' OR ')})` : '1 = 0'], params };
  }
}

function toDisputeView(r: Record<string, any>): DisputeView {
  return {
    id: r.id,
    organizationId: r.organization_id,
    orderId: r.order_id,
    communityId: r.community_id,
    deviceId: r.device_id,
    scanId: r.scan_id ?? null,
    scannedAt: r.scanned_at ?? null,
    kind: r.kind,
    status: r.status,
    resolution: r.resolution ?? null,
    note: r.note ?? null,
    resolvedBy: r.resolved_by ?? null,
    resolvedAt: r.resolved_at ?? null,
    createdAt: r.created_at,
    listingId: r.listing_id ?? null,
    listingTitle: r.listing_title ?? null,
    points: r.total_points === null || r.total_points === undefined ? null : Number(r.total_points),
    resident: { displayName: maskName(r.display_name) },
  };
}
