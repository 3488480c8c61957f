import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Actor } from '../common/actor';
import { CatalogService } from '../catalog/catalog.service';
import { listingVisibleTo } from '../catalog/catalog-rules';
import type { ListingEntity } from '../catalog/catalog.service';
import { CreditService } from '../earning/credit.service';
import { UsersService } from '../identity/users.service';
import { LedgerService } from '../ledger/ledger.service';
import {
  ListingOrderability,
  OrderabilityQuery,
  OrderabilityReason,
  OrderabilityView,
} from './dto/orderability.dto';
import { periodKey } from './order-limits';
import { OrderLimitsRepository } from './order-limits.repository';

/**
 * Whether the calling resident could order each listing now, one of each, and every reason why
 * not: the listing is not available (unpublished, outside its window), the credit level or age
 * rule, the per-resident limit, the stock, the points. The same rules as placing an order
 * ({@link OrdersService.place}), read without locks: an answer, not a reservation.
 */
@Injectable()
export class OrderabilityService {
  constructor(
    private readonly catalog: CatalogService,
    private readonly credit: CreditService,
    private readonly users: UsersService,
    private readonly ledger: LedgerService,
    @InjectDataSource() private readonly db: DataSource,
    private readonly limits: OrderLimitsRepository,
  ) {}

  async forResident(actor: Actor, q: OrderabilityQuery): Promise<OrderabilityView> {
    const ids = [...new Set(q.listingIds)];
    const now = new Date();
    const listings = (await this.catalog.findByIds(ids)).filter((l) => listingVisibleTo(actor, l.scopePath));
    const needsCredit = listings.some((l) => l.minCreditLevel);
    const needsAge = listings.some((l) => l.minAge);
    const [wallet, standing, user, used] = await Promise.all([
      this.ledger.walletBalance(actor.id),
      needsCredit ? this.credit.levelOf(actor.id) : null,
      needsAge ? this.users.findById(actor.id) : null,
      this.limitsUsed(actor.id, listings, now),
    ]);
    const byId = new Map(listings.map((l) => [l.id, l]));
    const items = ids.map((id): ListingOrderability => {
      const l = byId.get(id);
      if (!l) return { listingId: id, orderable: false, reasons: [{ reason: 'not_found' }] };
      const reasons: OrderabilityReason[] = [];
      const o = this.catalog.isOrderable(l, { regionPath: actor.regionPath }, now);
      if (!o.orderable) reasons.push({ reason: 'not_available', detail: o.reason });
      const e = this.catalog.checkEligibility(
        l,
        { creditLevel: standing?.level ?? null, birthDate: user?.birthDate ?? null },
        now,
      );
      if (!e.eligible) {
        reasons.push({
          reason: e.reason,
          required: e.required,
          ...('actual' in e ? { actual: e.actual } : {}),
        });
      }
      if (l.limitCount && l.limitPeriod) {
        const n = used.get(l.id) ?? 0;
        if (n + 1 > l.limitCount)
          reasons.push({ reason: 'limit_reached', limit: l.limitCount, period: l.limitPeriod, used: n });
      }
      if (l.stock !== null && l.stock < 1) reasons.push({ reason: 'out_of_stock' });
      if (wallet.available < l.pointsPrice)
        reasons.push({
          reason: 'insufficient_points',
          required: l.pointsPrice,
          available: wallet.available,
          missing: l.pointsPrice - wallet.available,
        });
      return { listingId: id, orderable: reasons.length === 0, reasons };
    });
    return { available: wallet.available, items };
  }

  /** What the resident's orders counted this period against each limited listing. */
  private async limitsUsed(
    residentId: string,
    listings: ListingEntity[],
    now: Date,
  ): Promise<Map<string, number>> {
    const limited = listings.filter((l) => l.limitCount && l.limitPeriod);
    if (!limited.length) return new Map();
    const rows = await this.limits.ofResident(
      this.db.manager,
      residentId,
      limited.map((l) => l.id),
    );
    const out = new Map<string, number>();
    for (const l of limited) {
      const key = periodKey(l.limitPeriod!, now);
      const row = rows.find((r) => r.listingId === l.id && r.periodKey === key);
      out.set(l.id, row ? Number(row.used) : 0);
    }
    return out;
  }
}
