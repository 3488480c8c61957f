import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Actor } from '../common/actor';
import { maskName } from '../earning/masking';
import { ScanHistoryItem, ScanHistoryQuery, ScanHistoryView, ScanResultKind } from './dto/scan-history.dto';
import { localDay, localDayStart } from './redemption-rules';
import { ScannerAccess } from './scanner-access.service';

const MAX_ITEMS = 500;

/** The answer of an online scan (`scan_audit.outcome`) as the counter shows it. */
const ONLINE_RESULT: Record<string, ScanResultKind> = {
  REDEEMED: 'redeemed',
  ALREADY_REDEEMED: 'already_redeemed',
  VOUCHER_EXPIRED: 'expired',
  VOUCHER_CANCELLED: 'cancelled',
  WRONG_ORGANIZATION: 'wrong_organization',
  INVALID_CODE: 'invalid',
  VOUCHER_NOT_READY: 'not_ready',
};
const OFFLINE_RESULT: Record<string, ScanResultKind> = {
  accepted: 'redeemed',
  conflict: 'conflict',
  invalid: 'invalid',
};

interface Row {
  id: string;
  at: Date;
  outcome: string;
  order_id: string | null;
  device_id: string | null;
  staff_name: string | null;
  title: string | null;
  resident_name: string | null;
  points: number | null;
}

/**
 * A counter's scans of one local day: every online scan (the scan audit: successes and refusals,
 * including the caller's own scans of other organisations' vouchers) and every uploaded offline scan,
 * newest first, with what was redeemed for whom (masked) and by which staff member.
 */
@Injectable()
export class ScanHistoryService {
  constructor(
    private readonly access: ScannerAccess,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async day(actor: Actor, q: ScanHistoryQuery): Promise<ScanHistoryView> {
    const org = await this.access.scannerOrganization(actor, q.organizationId);
    const date = q.date ?? localDay(new Date());
    const from = localDayStart(date);
    const to = new Date(from.getTime() + 86_400_000);
    const facts = `LEFT JOIN orders o ON o.id = x.order_id
       LEFT JOIN listings l ON l.id = o.listing_id
       LEFT JOIN users ru ON ru.id = o.resident_id`;
    const [online, offline]: [Row[], Row[]] = await Promise.all([
      this.db.query(
        `SELECT x.id, x.created_at AS at, x.outcome, x.order_id, x.device_id, su.display_name AS staff_name,
                l.title, ru.display_name AS resident_name, o.total_points AS points
           FROM scan_audit x JOIN users su ON su.id = x.actor_id ${facts}
          WHERE (x.organization_id = ? OR x.actor_id = ?) AND x.created_at >= ? AND x.created_at < ?
          ORDER BY x.created_at DESC LIMIT ?`,
        [org.id, actor.id, from, to, MAX_ITEMS],
      ),
      this.db.query(
        `SELECT x.id, x.scanned_at AS at, x.status AS outcome, x.order_id, x.device_id, su.display_name AS staff_name,
                l.title, ru.display_name AS resident_name, o.total_points AS points
           FROM offline_scans x JOIN users su ON su.id = x.uploaded_by ${facts}
          WHERE x.organization_id = ? AND x.scanned_at >= ? AND x.scanned_at < ? AND x.status <> 'duplicate'
          ORDER BY x.scanned_at DESC LIMIT ?`,
        [org.id, from, to, MAX_ITEMS],
      ),
    ]);
    const items = [
      ...online.map((r) => this.item(r, 'online', ONLINE_RESULT[r.outcome] ?? 'error')),
      ...offline.map((r) => this.item(r, 'offline', OFFLINE_RESULT[r.outcome] ?? 'error')),
    ]
      .sort((a, b) => b.at.getTime() - a.at.getTime())
      .slice(0, MAX_ITEMS);
    const redeemed = items.filter((i) => i.result === 'redeemed');
    return {
      organizationId: org.id,
      organizationName: org.name,
      date,
      scans: items.length,
      redeemed: redeemed.length,
      points: redeemed.reduce((s, i) => s + (i.points ?? 0), 0),
      items,
    };
  }

  private item(r: Row, channel: 'online' | 'offline', result: ScanResultKind): ScanHistoryItem {
    const known = result !== 'invalid' && result !== 'wrong_organization';
    return {
      id: r.id,
      at: new Date(r.at),
      channel,
      result,
      outcome: r.outcome,
      orderId: known ? r.order_id : null,
      listingTitle: known ? r.title : null,
      points: known && r.points !== null ? Number(r.points) : null,
      resident: known && r.resident_name ? { displayName: maskName(r.resident_name) } : null,
      staff: { displayName: r.staff_name ?? '' },
      deviceId: r.device_id,
    };
  }
}
