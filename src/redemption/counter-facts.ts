import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ListingTitlesQueries } from '../catalog/listing-titles.queries';
import { DisplayNamesQueries } from '../identity/display-names.queries';
import { RedemptionCaptureQueries } from '../orders/redemption-capture.queries';
import { RedemptionPlacesQueries } from '../regions/redemption-places.queries';

/** What a counter's lists show of an order: its listing, points and resident (name unmasked here). */
export interface OrderFacts {
  listingId: string;
  listingTitle: string | null;
  points: number;
  residentId: string;
  residentName: string | null;
}

/**
 * The names and titles a counter shows next to its own rows, read through the modules that own
 * them (orders, catalog, identity, regions).
 */
@Injectable()
export class CounterFacts {
  constructor(
    private readonly orders: RedemptionCaptureQueries,
    private readonly listings: ListingTitlesQueries,
    private readonly users: DisplayNamesQueries,
    private readonly places: RedemptionPlacesQueries,
  ) {}

  async ofOrders(tx: EntityManager, orderIds: Array<string | null>): Promise<Map<string, OrderFacts>> {
    const orders = await this.orders.facts(
      tx,
      orderIds.filter((id): id is string => !!id),
    );
    const titles = await this.titles(
      tx,
      [...orders.values()].map((o) => o.listingId),
    );
    const names = await this.names(
      tx,
      [...orders.values()].map((o) => o.residentId),
    );
    return new Map(
      [...orders.values()].map((o) => [
        o.id,
        {
          listingId: o.listingId,
          listingTitle: titles.get(o.listingId) ?? null,
          points: o.totalPoints,
          residentId: o.residentId,
          residentName: names.get(o.residentId) ?? null,
        },
      ]),
    );
  }

  titles(tx: EntityManager, listingIds: Array<string | null>): Promise<Map<string, string>> {
    return this.listings.of(tx, listingIds);
  }

  names(tx: EntityManager, userIds: Array<string | null>): Promise<Map<string, string>> {
    return this.users.of(tx, userIds);
  }

  organizationNames(tx: EntityManager, organizationIds: Array<string | null>): Promise<Map<string, string>> {
    return this.places.organizationNames(tx, organizationIds);
  }

  regionIdsUnder(tx: EntityManager, path: string): Promise<string[]> {
    return this.places.regionIdsUnder(tx, path);
  }
}
