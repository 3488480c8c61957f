import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Actor } from '../common/actor';
import { DomainError } from '../common/domain-error';
import { decodeCursor, TIME_ID, Page, pageLimit, toPage } from '../common/pagination';
import { validationFailed } from '../common/validation';
import { CatalogService } from '../catalog/catalog.service';
import { maskName } from '../earning/masking';
import { LedgerService } from '../ledger/ledger.service';
import {
  RedemptionsQuery,
  RedemptionView,
  SettlementLine,
  SettlementQuery,
  SettlementView,
} from './dto/redemption.dto';
import { Period, periodOf } from './redemption-rules';
import { ScannerAccess } from './scanner-access.service';

/**
 * What an organisation's staff see of their counter: the redemptions (by period, listing, device)
 * and the settlement, i.e. points captured per listing and local day, read from the ledger.
 */
@Injectable()
export class RedemptionReportsService {
  constructor(
    private readonly access: ScannerAccess,
    private readonly ledger: LedgerService,
    private readonly catalog: CatalogService,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async list(actor: Actor, q: RedemptionsQuery): Promise<Page<RedemptionView>> {
    const orgIds = q.organizationId
      ? [(await this.access.scannerOrganization(actor, q.organizationId)).id]
      : (await this.access.managedOrganizations(actor)).map((o) => o.id);
    if (!orgIds.length)
      throw new DomainError('FORBIDDEN', {}, 'only staff of a redeeming organisation list its redemptions');
    const limit = pageLimit(q);
    const cursor = decodeCursor(q.cursor, TIME_ID);
    const where = ['r.organization_id IN (?)'];
    const params: unknown[] = [orgIds];
    if (q.from !== undefined || q.to !== undefined) {
      const p = this.period(q, { defaultDays: 36_500 });
      where.push('r.created_at >= ? AND r.created_at < ?');
      params.push(p.from, p.to);
    }
    if (q.listingId) {
      where.push('r.listing_id = ?');
      params.push(q.listingId);
    }
    if (q.deviceId) {
      where.push('r.device_id = ?');
      params.push(q.deviceId);
    }
    if (cursor) {
      where.push('(r.created_at < ? OR (r.created_at = ? AND r.id < ?))');
      params.push(new Date(String(cursor[0])), new Date(String(cursor[0])), String(cursor[1]));
    }
    const rows: Array<Record<string, any>> = await this.db.query(
      `SELECT r.*, l.title AS listing_title, u.display_name
         FROM redemptions r
         LEFT JOIN listings l ON l.id = r.listing_id
         LEFT JOIN users u ON u.id = r.resident_id
        WHERE ${where.join(' AND ')}
        ORDER BY r.created_at DESC, r.id DESC LIMIT ?`,
      [...params, limit + 1],
    );
    const items: RedemptionView[] = rows.map((r) => ({
      id: r.id,
      orderId: r.order_id,
      organizationId: r.organization_id,
      listingId: r.listing_id,
      listingTitle: r.listing_title ?? null,
      resident: { displayName: maskName(r.display_name) },
      points: Number(r.points),
      redeemedBy: r.redeemed_by,
      deviceId: r.device_id,
      channel: r.channel,
      scanId: r.scan_id,
      scannedAt: r.scanned_at,
      createdAt: r.created_at,
    }));
    return toPage(items, limit, (r) => [new Date(r.createdAt).toISOString(), r.id]);
  }

  /**
   * Points captured per listing and local (UTC+8) day: the `post` transfers with code `redeem`
   * credited to the organisation's redemption account, joined to their orders.
   */
  async settlement(actor: Actor, q: SettlementQuery): Promise<SettlementView> {
    const org = await this.access.scannerOrganization(actor, q.organizationId);
    const p = this.period(q, { defaultDays: 30, maxDays: 366 });
    const account = await this.ledger.findAccount({
      ledger: 'POINTS',
      kind: 'redemption',
      ownerType: 'organization',
      ownerId: org.id,
    });
    const rows: Array<{ listing_id: string; day: string; points: string | number; n: string | number }> =
      account
        ? await this.db.query(
            `SELECT o.listing_id, DATE_FORMAT(DATE_ADD(t.created_at, INTERVAL 8 HOUR), '%Y-%m-%d') AS day,
                  SUM(t.amount) AS points, COUNT(*) AS n
             FROM transfers t
             JOIN orders o ON o.id = t.ref_id
            WHERE t.credit_account_id = ? AND t.phase = 'post' AND t.code = 'redeem' AND t.ref_type = 'order'
              AND t.created_at >= ? AND t.created_at < ?
            GROUP BY o.listing_id, day
            ORDER BY day, o.listing_id`,
            [account, p.from, p.to],
          )
        : [];
    const titles = new Map(
      (await this.catalog.findByIds(rows.map((r) => r.listing_id))).map((l) => [l.id, l.title]),
    );
    const days: SettlementLine[] = rows.map((r) => ({
      day: r.day,
      listingId: r.listing_id,
      listingTitle: titles.get(r.listing_id) ?? null,
      points: Number(r.points),
      redemptions: Number(r.n),
    }));
    const byListing = new Map<string, Omit<SettlementLine, 'day'>>();
    for (const d of days) {
      const l = byListing.get(d.listingId) ?? {
        listingId: d.listingId,
        listingTitle: d.listingTitle,
        points: 0,
        redemptions: 0,
      };
      l.points += d.points;
      l.redemptions += d.redemptions;
      byListing.set(d.listingId, l);
    }
    return {
      organizationId: org.id,
      from: p.from,
      to: p.to,
      timezone: '+08:00',
      totalPoints: days.reduce((s, d) => s + d.points, 0),
      totalRedemptions: days.reduce((s, d) => s + d.redemptions, 0),
      days,
      listings: [...byListing.values()],
    };
  }

  private period(q: { from?: string; to?: string }, opts: { defaultDays: number; maxDays?: number }): Period {
    const r = periodOf(q, new Date(), opts);
    if ('problems' in r) throw validationFailed(r.problems);
    return r.period;
  }
}
