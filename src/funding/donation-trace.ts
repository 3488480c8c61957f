import { EntityManager } from 'typeorm';
import { maskName } from '../earning/masking';
import type { DonationView } from './funding.service';

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

type Row = Record<string, any>;
const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** Reads the trail of a donation (read-only: lots, listings, orders, masked residents, transfers). */
export async function traceOf(
  em: EntityManager,
  donation: DonationView,
  communityFundBalanceFen: number,
): Promise<DonationTrace> {
  const lotIds = donation.lots.map((l) => l.id);
  const listingIds = [...new Set(donation.lots.map((l) => l.listingId))];
  const listings: Row[] = listingIds.length
    ? await em.query('SELECT id, title, stock FROM listings WHERE id IN (?)', [listingIds])
    : [];
  const open: Row[] = listingIds.length
    ? await em.query(
        `SELECT listing_id, COUNT(*) AS n, SUM(quantity) AS q FROM orders
          WHERE listing_id IN (?) AND status IN ('pending', 'ready') GROUP BY listing_id`,
        [listingIds],
      )
    : [];
  const uses: Row[] = lotIds.length
    ? await em.query(
        `SELECT lc.order_id, lc.lot_id, lc.listing_id, lc.quantity, lc.unit_value_fen, lc.amount_fen,
                o.status, o.redeemed_at, u.display_name
           FROM lot_consumptions lc
           LEFT JOIN orders o ON o.id = lc.order_id
           LEFT JOIN users u ON u.id = o.resident_id
          WHERE lc.lot_id IN (?) ORDER BY lc.created_at, lc.id`,
        [lotIds],
      )
    : [];
  const transfers: Row[] = await em.query(
    `SELECT t.id, t.code, t.amount, t.created_at, da.kind AS from_kind, ca.kind AS to_kind
       FROM transfers t JOIN accounts da ON da.id = t.debit_account_id JOIN accounts ca ON ca.id = t.credit_account_id
      WHERE t.ref_type = 'donation' AND t.ref_id = ? ORDER BY t.created_at, t.id`,
    [donation.id],
  );
  const listing = new Map(listings.map((l) => [l.id, l]));
  const openBy = new Map(open.map((o) => [o.listing_id, o]));
  const lots = donation.lots.map((l) => ({
    ...l,
    listingTitle: listing.get(l.listingId)?.title ?? null,
    listingStock: listing.get(l.listingId)?.stock ?? null,
    consumed: l.quantity - l.remaining,
    openOrders: Number(openBy.get(l.listingId)?.n ?? 0),
    openQuantity: Number(openBy.get(l.listingId)?.q ?? 0),
  }));
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const goods = donation.kind === 'in_kind';
  return {
    donation,
    lots,
    redemptions: uses.map((u) => ({
      orderId: u.order_id,
      orderStatus: u.status ?? 'unknown',
      resident: maskName(u.display_name),
      listingId: u.listing_id,
      lotId: u.lot_id,
      quantity: Number(u.quantity),
      unitValueFen: Number(u.unit_value_fen),
      amountFen: Number(u.amount_fen),
      redeemedAt: iso(u.redeemed_at ?? null),
    })),
    transfers: transfers.map((t) => ({
      id: t.id,
      code: t.code,
      amountFen: Number(t.amount),
      from: t.from_kind,
      to: t.to_kind,
      createdAt: iso(t.created_at)!,
    })),
    received: {
      quantity: sum(lots.map((l) => l.quantity)),
      valueFen: donation.amountFen,
    },
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
