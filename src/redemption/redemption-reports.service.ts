import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Actor } from '../common/actor';
import { forbidden, invalidFields } from '../common/errors';
import { decodeCursor, TIME_ID, Page, pageLimit, toPage } from '../common/pagination';
import { maskName } from '../common/masking';
import { RedemptionSettlementQueries } from '../ledger/redemption-settlement.queries';
import { CounterFacts } from './counter-facts';
import {
  RedemptionsQuery,
  RedemptionView,
  SettlementLine,
  SettlementQuery,
  SettlementView,
} from './dto/redemption.dto';
import { Period, periodOf } from './redemption-rules';
import { RedemptionsRepository } from './redemptions.repository';
import { ScannerAccess } from './scanner-access.service';

/**
 * What an organisation's staff see of their counter: the redemptions (by period, listing, device)
 * and the settlement, i.e. points captured per listing and local day, read from the ledger.
 */
@Injectable()
export class RedemptionReportsService {
  constructor(
    private readonly access: ScannerAccess,
    private readonly redemptions: RedemptionsRepository,
    private readonly settlements: RedemptionSettlementQueries,
    private readonly counter: CounterFacts,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async list(actor: Actor, q: RedemptionsQuery): Promise<Page<RedemptionView>> {
    const orgIds = q.organizationId
      ? [(await this.access.scannerOrganization(actor, q.organizationId)).id]
      : (await this.access.managedOrganizations(actor)).map((o) => o.id);
    if (!orgIds.length) throw forbidden('only staff of a redeeming organisation list its redemptions');
    const limit = pageLimit(q);
    const cursor = decodeCursor(q.cursor, TIME_ID);
    const rows = await this.redemptions.list(this.db.manager, {
      organizationIds: orgIds,
      period:
        q.from !== undefined || q.to !== undefined ? this.period(q, { defaultDays: 36_500 }) : undefined,
      listingId: q.listingId,
      deviceId: q.deviceId,
      cursor,
      limit,
    });
    const titles = await this.counter.titles(
      this.db.manager,
      rows.map((r) => r.listing_id),
    );
    const names = await this.counter.names(
      this.db.manager,
      rows.map((r) => r.resident_id),
    );
    const items: RedemptionView[] = rows.map((r) => ({
      id: r.id,
      orderId: r.order_id,
      organizationId: r.organization_id,
      listingId: r.listing_id,
      listingTitle: titles.get(r.listing_id) ?? null,
      resident: { displayName: maskName(names.get(r.resident_id)) },
      points: r.points,
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
   * credited to the organisation's redemption account (the ledger's), by their orders' listings.
   */
  async settlement(actor: Actor, q: SettlementQuery): Promise<SettlementView> {
    const org = await this.access.scannerOrganization(actor, q.organizationId);
    const p = this.period(q, { defaultDays: 30, maxDays: 366 });
    const days = await this.settlementDays(org.id, p);
    return {
      organizationId: org.id,
      from: p.from,
      to: p.to,
      timezone: '+08:00',
      totalPoints: days.reduce((s, d) => s + d.points, 0),
      totalRedemptions: days.reduce((s, d) => s + d.redemptions, 0),
      days,
      listings: byListing(days),
    };
  }

  /** The settlement's lines, by day and listing. */
  private async settlementDays(organizationId: string, p: Period): Promise<SettlementLine[]> {
    const captured = await this.settlements.capturedPoints(this.db.manager, organizationId, p);
    const orders = await this.counter.ofOrders(
      this.db.manager,
      captured.map((c) => c.orderId),
    );
    const lines: SettlementLine[] = [];
    for (const c of captured) {
      const order = orders.get(c.orderId);
      if (!order) continue; // a transfer without its order is no redemption
      const { listingId, listingTitle } = order;
      lines.push({ day: c.day, listingId, listingTitle, points: c.points, redemptions: c.transfers });
    }
    const days = sumBy(lines, (l) => `${l.day} ${l.listingId}`);
    return days.sort((a, b) => cmp(a.day, b.day) || cmp(a.listingId, b.listingId));
  }

  private period(q: { from?: string; to?: string }, opts: { defaultDays: number; maxDays?: number }): Period {
    const r = periodOf(q, new Date(), opts);
    if ('problems' in r) throw invalidFields(r.problems);
    return r.period;
  }
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The lines summed per listing, in the order the listings first appear. */
function byListing(days: SettlementLine[]): Array<Omit<SettlementLine, 'day'>> {
  return sumBy(
    days.map(({ day: _day, ...l }) => l),
    (l) => l.listingId,
  );
}

/** Points and redemptions summed over the lines of the same key (the first line of a key stands for it). */
function sumBy<L extends { points: number; redemptions: number }>(lines: L[], keyOf: (l: L) => string): L[] {
  const out = new Map<string, L>();
  for (const l of lines) {
    const sum = out.get(keyOf(l));
    if (sum) {
      sum.points += l.points;
      sum.redemptions += l.redemptions;
    } else out.set(keyOf(l), { ...l });
  }
  return [...out.values()];
}
