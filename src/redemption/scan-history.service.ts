import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Actor } from '../common/actor';
import { maskName } from '../common/masking';
import { ScanHistoryItem, ScanHistoryQuery, ScanHistoryView, ScanResultKind } from './dto/scan-history.dto';
import { localDay, localDayStart } from './redemption-rules';
import { CounterFacts, OrderFacts } from './counter-facts';
import { OfflineBatchesRepository } from './offline-batches.repository';
import { ScanAuditRepository } from './scan-audit.repository';
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

/** What a scan's line shows of its order and staff member. */
interface Facts {
  order: OrderFacts | undefined;
  staffName: string | null;
}

/** One scan, online or offline, before it is shown. */
interface Row {
  id: string;
  at: Date;
  outcome: string;
  order_id: string | null;
  device_id: string | null;
  staff_id: string;
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
    private readonly audit: ScanAuditRepository,
    private readonly offline: OfflineBatchesRepository,
    private readonly counter: CounterFacts,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async day(actor: Actor, q: ScanHistoryQuery): Promise<ScanHistoryView> {
    const org = await this.access.scannerOrganization(actor, q.organizationId);
    const date = q.date ?? localDay(new Date());
    const from = localDayStart(date);
    const to = new Date(from.getTime() + 86_400_000);
    const tx = this.db.manager;
    const [audit, uploaded] = await Promise.all([
      this.audit.day(tx, { organizationId: org.id, actorId: actor.id, from, to, max: MAX_ITEMS }),
      this.offline.day(tx, { organizationId: org.id, from, to, max: MAX_ITEMS }),
    ]);
    const online: Row[] = audit.map((x) => ({ ...x, at: x.created_at, staff_id: x.actor_id }));
    const offline: Row[] = uploaded.map((x) => ({
      ...x,
      at: x.scanned_at,
      outcome: x.status,
      staff_id: x.uploaded_by,
    }));
    const all = [...online, ...offline];
    const orders = await this.counter.ofOrders(
      tx,
      all.map((r) => r.order_id),
    );
    const staff = await this.counter.names(
      tx,
      all.map((r) => r.staff_id),
    );
    const facts = (r: Row): Facts => ({
      order: r.order_id ? orders.get(r.order_id) : undefined,
      staffName: staff.get(r.staff_id) ?? null,
    });
    const items = [
      ...online.map((r) => this.item(r, facts(r), 'online', ONLINE_RESULT[r.outcome] ?? 'error')),
      ...offline.map((r) => this.item(r, facts(r), 'offline', OFFLINE_RESULT[r.outcome] ?? 'error')),
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

  private item(r: Row, f: Facts, channel: 'online' | 'offline', result: ScanResultKind): ScanHistoryItem {
    const known = result !== 'invalid' && result !== 'wrong_organization';
    return {
      id: r.id,
      at: new Date(r.at),
      channel,
      result,
      outcome: r.outcome,
      orderId: known ? r.order_id : null,
      listingTitle: known ? (f.order?.listingTitle ?? null) : null,
      points: known && f.order ? f.order.points : null,
      resident: known && f.order?.residentName ? { displayName: maskName(f.order.residentName) } : null,
      staff: { displayName: f.staffName ?? '' },
      deviceId: r.device_id,
    };
  }
}
