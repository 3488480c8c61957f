import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { newId } from '../common/ids';
import { LedgerService } from '../ledger/ledger.service';
import type { DonationLotEntity } from './entities/donation-lot.entity';
import type { LotConsumptionEntity } from './entities/lot-consumption.entity';
import { communityAccount } from './community-account';
import { FUNDING_CODES } from './funding.types';
import { LotsRepository } from './lots.repository';

export interface RedemptionCost {
  orderId: string;
  consumed: Array<{ lotId: string; quantity: number; unitValueFen: number; amountFen: number }>;
  costFen: number;
  /** Units not covered by any lot: no cost is recognised for them (see recognize). */
  uncoveredQuantity: number;
}

export interface RedeemedOrder {
  orderId: string;
  listingId: string;
  quantity: number;
  communityId?: string | null;
}

/** Lots are read this many at a time, oldest first. */
const LOT_BATCH = 20;

const costOf = (
  o: RedeemedOrder,
  consumed: RedemptionCost['consumed'],
  uncoveredQuantity: number,
): RedemptionCost => ({
  orderId: o.orderId,
  consumed,
  costFen: consumed.reduce((a, c) => a + c.amountFen, 0),
  uncoveredQuantity,
});

const consumedOf = (c: LotConsumptionEntity) => ({
  lotId: c.lotId,
  quantity: c.quantity,
  unitValueFen: c.unitValueFen,
  amountFen: c.amountFen,
});

/**
 * The cost of redemptions: which lots served an order, at what value (FundingService's
 * `recognizeRedemptionCost`, called by the redemption capture inside its transaction).
 */
@Injectable()
export class RedemptionCostService {
  constructor(
    private readonly ledger: LedgerService,
    private readonly lots: LotsRepository,
  ) {}

  /**
   * Takes the order's units from the listing's lots, oldest first, each by a conditional update
   * (so two captures never take the same unit), records which lot served the order
   * (lot_consumptions) and posts inventory → cost_of_redemptions at each lot's unit value, in the
   * lot's community. Idempotent per order: a second call returns what the first recorded.
   */
  async recognize(tx: EntityManager, o: RedeemedOrder): Promise<RedemptionCost> {
    const prior = await this.lots.consumptionsOfOrder(tx, o.orderId);
    if (prior.length) {
      const consumed = prior.map(consumedOf);
      const taken = consumed.reduce((a, c) => a + c.quantity, 0);
      return costOf(o, consumed, Math.max(0, o.quantity - taken));
    }
    let need = o.quantity;
    const consumed: RedemptionCost['consumed'] = [];
    for (let round = 0; need > 0 && round < 100; round++) {
      const lots = await this.lots.openOfListing(tx, o.listingId, LOT_BATCH);
      if (!lots.length) break;
      let raced = false;
      for (const lot of lots) {
        const take = Math.min(need, lot.remaining);
        if (!(await this.lots.take(tx, lot.id, take))) {
          raced = true; // another capture took some meanwhile: read the lots again
          break;
        }
        consumed.push(await this.consume(tx, o, lot, take));
        need -= take;
        if (need === 0) break;
      }
      if (!raced && lots.length < LOT_BATCH) break;
    }
    return costOf(o, consumed, need);
  }

  /**
   * {@link recognize} for a batch of captures: one read finds the orders with consumptions already
   * and the listings with units left in lots; only the orders that have either go through
   * `recognize`, in (listing, order) order. A listing without lots recognises no cost.
   */
  async recognizeMany(tx: EntityManager, os: RedeemedOrder[]): Promise<void> {
    if (!os.length) return;
    const { orders: recorded, listings: stocked } = await this.lots.costCandidates(
      tx,
      os.map((o) => o.orderId),
      os.map((o) => o.listingId),
    );
    const due = os
      .filter((o) => recorded.has(o.orderId) || stocked.has(o.listingId))
      .sort((a, b) => `${a.listingId}/${a.orderId}`.localeCompare(`${b.listingId}/${b.orderId}`));
    for (const o of due) await this.recognize(tx, o);
  }

  /** Books `take` units of a lot taken for an order: the transfer at its value and the consumption. */
  private async consume(
    tx: EntityManager,
    o: RedeemedOrder,
    lot: DonationLotEntity,
    take: number,
  ): Promise<RedemptionCost['consumed'][number]> {
    const unit = lot.unitValueFen;
    const amount = take * unit;
    let transferId: string | null = null;
    if (amount > 0) {
      const account = (kind: 'inventory' | 'cost_of_redemptions') =>
        communityAccount(this.ledger, tx, lot.communityId, kind);
      transferId = (
        await this.ledger.transfer(tx, {
          id: this.ledger.deriveId(FUNDING_CODES.redemptionCost, o.orderId, lot.id),
          debitAccountId: await account('inventory'),
          creditAccountId: await account('cost_of_redemptions'),
          amount,
          code: FUNDING_CODES.redemptionCost,
          refType: 'order',
          refId: o.orderId,
        })
      ).id;
    }
    await this.lots.insertConsumption(tx, {
      id: newId(),
      lotId: lot.id,
      orderId: o.orderId,
      listingId: o.listingId,
      communityId: lot.communityId,
      orderCommunityId: o.communityId ?? null,
      quantity: take,
      unitValueFen: unit,
      amountFen: amount,
      transferId,
    });
    return { lotId: lot.id, quantity: take, unitValueFen: unit, amountFen: amount };
  }
}
