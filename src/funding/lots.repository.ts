import { Injectable } from '@nestjs/common';
import { In, MoreThan, type EntityManager } from 'typeorm';
import { affectedRows } from '../database/transaction.service';
import { DonationLotEntity } from './entities/donation-lot.entity';
import { LotConsumptionEntity } from './entities/lot-consumption.entity';

/** Lots are read oldest first: by when they were received, then recorded. */
const LOT_ORDER = { receivedAt: 'ASC', createdAt: 'ASC', id: 'ASC' } as const;
/** Consumptions in the order they were recorded. */
const CONSUMPTION_ORDER = { createdAt: 'ASC', id: 'ASC' } as const;

export type NewLot = Omit<DonationLotEntity, 'createdAt'>;
export type NewConsumption = Omit<LotConsumptionEntity, 'createdAt'>;

/** What is left on the shelf of a community's lots. */
export interface OpenLotsRow {
  openLots: number;
  openLotsValueFen: number;
}

/** The statements of `donation_lots` and `lot_consumptions` (rows are the entities). */
@Injectable()
export class LotsRepository {
  async insert(tx: EntityManager, lot: NewLot): Promise<void> {
    await tx.getRepository(DonationLotEntity).insert(lot);
  }

  get(tx: EntityManager, id: string): Promise<DonationLotEntity> {
    return tx.getRepository(DonationLotEntity).findOneByOrFail({ id });
  }

  ofDonation(tx: EntityManager, donationId: string): Promise<DonationLotEntity[]> {
    return tx.getRepository(DonationLotEntity).find({ where: { donationId }, order: LOT_ORDER });
  }

  /** Up to `limit` lots of a listing with units left, oldest first. */
  openOfListing(tx: EntityManager, listingId: string, limit: number): Promise<DonationLotEntity[]> {
    return tx
      .getRepository(DonationLotEntity)
      .find({ where: { listingId, remaining: MoreThan(0) }, order: LOT_ORDER, take: limit });
  }

  /**
   * For a batch of redeemed orders, in one statement: which of the orders have consumptions
   * recorded, and which of the listings have a lot with units left.
   */
  async costCandidates(
    tx: EntityManager,
    orderIds: string[],
    listingIds: string[],
  ): Promise<{ orders: Set<string>; listings: Set<string> }> {
    const rows: Array<{ what: 'order' | 'listing'; id: string }> = await tx.query(
      `SELECT DISTINCT 'order' what, order_id id FROM lot_consumptions WHERE order_id IN (?)
       UNION ALL
       SELECT DISTINCT 'listing' what, listing_id id FROM donation_lots WHERE listing_id IN (?) AND remaining > 0`,
      [[...new Set(orderIds)], [...new Set(listingIds)]],
    );
    const of = (what: string) => new Set(rows.filter((r) => r.what === what).map((r) => r.id));
    return { orders: of('order'), listings: of('listing') };
  }

  /** Takes units of a lot if it still has them (a conditional update): whether it did. */
  async take(tx: EntityManager, lotId: string, quantity: number): Promise<boolean> {
    const res: unknown = await tx.query(
      'UPDATE donation_lots SET remaining = remaining - ? WHERE id = ? AND remaining >= ?',
      [quantity, lotId, quantity],
    );
    return affectedRows(res) > 0;
  }

  async openSummary(tx: EntityManager, communityId: string): Promise<OpenLotsRow> {
    const rows: Array<{ n: string | number; value: string | number | null }> = await tx.query(
      'SELECT COUNT(*) AS n, SUM(remaining * unit_value_fen) AS value FROM donation_lots WHERE community_id = ? AND remaining > 0',
      [communityId],
    );
    return { openLots: Number(rows[0]?.n ?? 0), openLotsValueFen: Number(rows[0]?.value ?? 0) };
  }

  async insertConsumption(tx: EntityManager, row: NewConsumption): Promise<void> {
    await tx.getRepository(LotConsumptionEntity).insert(row);
  }

  consumptionsOfOrder(tx: EntityManager, orderId: string): Promise<LotConsumptionEntity[]> {
    return tx.getRepository(LotConsumptionEntity).find({ where: { orderId }, order: CONSUMPTION_ORDER });
  }

  consumptionsOfLots(tx: EntityManager, lotIds: string[]): Promise<LotConsumptionEntity[]> {
    if (!lotIds.length) return Promise.resolve([]);
    return tx
      .getRepository(LotConsumptionEntity)
      .find({ where: { lotId: In(lotIds) }, order: CONSUMPTION_ORDER });
  }
}
