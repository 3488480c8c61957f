import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ListingReportQueries } from '../catalog/listing-report.queries';
import { ResidentReportQueries } from '../identity/resident-report.queries';
import { LedgerReportQueries } from '../ledger/ledger-report.queries';
import { OrderReportQueries } from '../orders/order-report.queries';
import { maskName } from '../common/masking';
import type { DonationView } from './funding-views';
import { LotsRepository } from './lots.repository';

export interface DonationTrace {
  donation: DonationView;
  lots: Array<{
    id: string;
    listingId: string;
    listingTitle: string | null;
    /** The listing's stock now (what is left to order, from every lot and restock). */
    listingStock: number | null;
    quantity: number;
    remaining: number;
    consumed: number;
    unitValueFen: number;
    receivedAt: string;
    /** Orders of the listing placed but not redeemed yet (lots are assigned at redemption). */
    openOrders: number;
    openQuantity: number;
  }>;
  /** Every order a lot of this donation served, with the resident's name masked (张*红). */
  redemptions: Array<{
    orderId: string;
    orderStatus: string;
    resident: string;
    listingId: string;
    lotId: string;
    quantity: number;
    unitValueFen: number;
    amountFen: number;
    redeemedAt: string | null;
  }>;
  /** The ledger transfers recorded for the donation. */
  transfers: Array<{
    id: string;
    code: string;
    amountFen: number;
    from: string;
    to: string;
    createdAt: string;
  }>;
  received: { quantity: number; valueFen: number };
  consumed: { quantity: number; valueFen: number };
  remaining: { quantity: number; valueFen: number };
  /** Cash is fungible: what is left of it is part of the community fund's balance. */
  communityFundBalanceFen: number;
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/**
 * Reads the trail of a donation (read-only): its lots and their listings (catalog), the orders they
 * served with the residents' names masked (orders, identity), and its transfers (ledger).
 */
@Injectable()
export class DonationTraceReader {
  constructor(
    private readonly lots: LotsRepository,
    private readonly listings: ListingReportQueries,
    private readonly orders: OrderReportQueries,
    private readonly residents: ResidentReportQueries,
    private readonly ledger: LedgerReportQueries,
  ) {}

  async trace(
    tx: EntityManager,
    donation: DonationView,
    communityFundBalanceFen: number,
  ): Promise<DonationTrace> {
    const listingIds = [...new Set(donation.lots.map((l) => l.listingId))];
    const listing = new Map((await this.listings.glimpses(tx, listingIds)).map((l) => [l.id, l]));
    const openBy = new Map((await this.orders.openOrders(tx, listingIds)).map((o) => [o.listingId, o]));
    const redemptions = await this.redemptions(
      tx,
      donation.lots.map((l) => l.id),
    );
    const transfers = await this.ledger.transfersOf(tx, 'donation', donation.id);
    const lots = donation.lots.map((l) => ({
      ...l,
      listingTitle: listing.get(l.listingId)?.title ?? null,
      listingStock: listing.get(l.listingId)?.stock ?? null,
      consumed: l.quantity - l.remaining,
      openOrders: openBy.get(l.listingId)?.orders ?? 0,
      openQuantity: openBy.get(l.listingId)?.quantity ?? 0,
    }));
    const goods = donation.kind === 'in_kind';
    return {
      donation,
      lots,
      redemptions,
      transfers: transfers.map((t) => ({
        id: t.id,
        code: t.code,
        amountFen: t.amount,
        from: t.fromKind,
        to: t.toKind,
        createdAt: iso(t.createdAt)!,
      })),
      received: { quantity: sum(lots.map((l) => l.quantity)), valueFen: donation.amountFen },
      consumed: {
        quantity: sum(lots.map((l) => l.consumed)),
        valueFen: sum(lots.map((l) => l.consumed * l.unitValueFen)),
      },
      remaining: {
        quantity: sum(lots.map((l) => l.remaining)),
        valueFen: goods ? sum(lots.map((l) => l.remaining * l.unitValueFen)) : 0,
      },
      communityFundBalanceFen,
    };
  }

  /** Every order the lots served, in the order they were consumed. */
  private async redemptions(tx: EntityManager, lotIds: string[]): Promise<DonationTrace['redemptions']> {
    const uses = await this.lots.consumptionsOfLots(tx, lotIds);
    const orders = new Map(
      (await this.orders.glimpses(tx, [...new Set(uses.map((u) => u.orderId))])).map((o) => [o.id, o]),
    );
    const names = await this.residents.displayNames(tx, [
      ...new Set([...orders.values()].map((o) => o.residentId)),
    ]);
    return uses.map((u) => {
      const o = orders.get(u.orderId);
      return {
        orderId: u.orderId,
        orderStatus: o?.status ?? 'unknown',
        resident: maskName(o ? names.get(o.residentId) : null),
        listingId: u.listingId,
        lotId: u.lotId,
        quantity: u.quantity,
        unitValueFen: u.unitValueFen,
        amountFen: u.amountFen,
        redeemedAt: iso(o?.redeemedAt ?? null),
      };
    });
  }
}
