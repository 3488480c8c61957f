import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { cityPathOf, scopeCovers } from '../catalog/catalog-rules';
import { CatalogService, listingNotFound } from '../catalog/catalog.service';
import { ListingEntity } from '../catalog/entities/listing.entity';
import { Actor } from '../common/actor';
import { DomainError } from '../common/domain-error';
import { notFound } from '../common/errors';
import { IdempotencyService } from '../common/idempotency.service';
import { newId } from '../common/ids';
import { affectedRows } from '../database/transaction.service';
import { LedgerService } from '../ledger/ledger.service';
import { AccountKind } from '../ledger/ledger.types';
import { RegionEntity } from '../regions/entities/region.entity';
import { RegionsService } from '../regions/regions.service';
import { CreateDonationDto, CreateExpenseDto, MAX_AMOUNT_FEN } from './dto/funding.dto';
import { CommunityExpenseEntity } from './entities/community-expense.entity';
import { DonationLotEntity } from './entities/donation-lot.entity';
import { DonationEntity } from './entities/donation.entity';
import { FUNDING_CODES, MONEY, type FundingSource } from './funding.types';
import { DonationTrace, traceOf } from './donation-trace';
import { instantOf } from './report-period';

export interface DonationView {
  id: string;
  communityId: string;
  kind: DonationEntity['kind'];
  source: FundingSource;
  donor: { organizationId: string | null; name: string | null };
  amountFen: number;
  receivedAt: string;
  note: string | null;
  recordedBy: string;
  lots: LotView[];
  transferIds: string[];
  createdAt: string;
}

export interface LotView {
  id: string;
  listingId: string;
  quantity: number;
  remaining: number;
  unitValueFen: number;
  receivedAt: string;
}

export interface ExpenseView {
  id: string;
  communityId: string;
  amountFen: number;
  purpose: string;
  listingId: string | null;
  quantity: number | null;
  lot: LotView | null;
  /** Value put into inventory (the lot) and booked as expense. */
  stockedFen: number;
  expensedFen: number;
  transferIds: string[];
  fundBalanceFen: number;
  createdAt: string;
}

export interface RedemptionCost {
  orderId: string;
  consumed: Array<{ lotId: string; quantity: number; unitValueFen: number; amountFen: number }>;
  costFen: number;
  /** Units not covered by any lot: no cost is recognised for them (see recognizeRedemptionCost). */
  uncoveredQuantity: number;
}

export const toLotView = (l: DonationLotEntity): LotView => ({
  id: l.id,
  listingId: l.listingId,
  quantity: l.quantity,
  remaining: l.remaining,
  unitValueFen: l.unitValueFen,
  receivedAt: l.receivedAt.toISOString(),
});

const invalid = (field: string, problem: string) =>
  new DomainError('VALIDATION_FAILED', { fields: [{ field, problems: [problem] }] }, `${field}: ${problem}`);

/**
 * Donations, expenses, lots and the cost of redemptions. Every movement of money is a transfer of
 * the CNY_FEN ledger (codes in funding.types.ts) in the same transaction as the rows it explains.
 * A community's money accounts are owned by the community region: funding_source (one per source,
 * `sub` = the source), community_fund (may not go below zero), inventory (goods at value, may not
 * go below zero), expense and cost_of_redemptions.
 */
@Injectable()
export class FundingService {
  constructor(
    private readonly ledger: LedgerService,
    private readonly regions: RegionsService,
    private readonly catalog: CatalogService,
    private readonly idempotency: IdempotencyService,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  account(em: EntityManager, communityId: string, kind: AccountKind, sub?: string): Promise<string> {
    return this.ledger.ensureAccount(em, {
      ledger: MONEY,
      kind,
      ownerType: 'region',
      ownerId: communityId,
      sub,
    });
  }

  // ---- Donations ---------------------------------------------------------------------------------

  /**
   * Records a donation and its ledger transfers, once per Idempotency-Key:
   * - cash: funding_source[community, source] → community_fund;
   * - in_kind: each item becomes a lot of its listing (stock + quantity) and
   *   funding_source → inventory at quantity × unit value;
   * - service: funding_source → expense. A donated service (a merchant's free haircuts, a clinic's
   *   check-ups) is used up when it is given, so it is recognised as received (funds in, by source)
   *   and spent at once; it is not spending out of the community's own fund.
   */
  async donate(actor: Actor, dto: CreateDonationDto, key?: string): Promise<DonationView> {
    const community = await this.regions.getCommunityInScope(actor, dto.communityId);
    await this.checkDonor(community, dto);
    const receivedAt = instantOf(dto.receivedAt);
    if (receivedAt.getTime() > Date.now() + 86_400_000)
      throw invalid('receivedAt', 'must not be in the future');
    let amountFen: number;
    if (dto.kind === 'in_kind') {
      const items = dto.items ?? [];
      amountFen = items.reduce((a, i) => a + i.quantity * i.unitValueFen, 0);
      if (dto.amountFen !== undefined && dto.amountFen !== amountFen)
        throw invalid('amountFen', `must equal the items' value (${amountFen}) or be left out`);
      await this.stockableListings(
        community,
        items.map((i) => i.listingId),
        'items',
      );
    } else {
      if (dto.items !== undefined) throw invalid('items', 'only in-kind donations have items');
      amountFen = dto.amountFen!;
    }
    if (amountFen > MAX_AMOUNT_FEN) throw invalid('amountFen', 'is too large');
    return this.idempotency.run({ scope: `donations:${actor.id}`, key, request: dto }, async (em) => {
      const id = newId();
      await em.getRepository(DonationEntity).insert({
        id,
        communityId: community.id,
        kind: dto.kind,
        source: dto.source,
        donorOrganizationId: dto.donor.organizationId ?? null,
        donorName: dto.donor.name ?? null,
        amountFen,
        receivedAt,
        note: dto.note ?? null,
        recordedBy: actor.id,
      });
      const source = await this.account(em, community.id, 'funding_source', dto.source);
      const transferIds: string[] = [];
      const move = async (part: string | number, credit: string, amount: number) => {
        if (amount <= 0) return;
        const t = await this.ledger.transfer(em, {
          id: this.ledger.deriveId(FUNDING_CODES.donation, id, part),
          debitAccountId: source,
          creditAccountId: credit,
          amount,
          code: FUNDING_CODES.donation,
          refType: 'donation',
          refId: id,
        });
        transferIds.push(t.id);
      };
      if (dto.kind === 'cash')
        await move('cash', await this.account(em, community.id, 'community_fund'), amountFen);
      else if (dto.kind === 'service')
        await move('service', await this.account(em, community.id, 'expense'), amountFen);
      else {
        const inventory = await this.account(em, community.id, 'inventory');
        for (const [i, item] of (dto.items ?? []).entries()) {
          await this.addLot(em, {
            donationId: id,
            expenseId: null,
            communityId: community.id,
            listingId: item.listingId,
            quantity: item.quantity,
            unitValueFen: item.unitValueFen,
            receivedAt,
          });
          await move(i, inventory, item.quantity * item.unitValueFen);
        }
      }
      return this.donationView(em, id, transferIds);
    });
  }

  async getDonation(actor: Actor, id: string): Promise<DonationView> {
    const d = await this.db.getRepository(DonationEntity).findOneBy({ id });
    if (!d) throw notFound('donation', id);
    await this.regions.getCommunityInScope(actor, d.communityId).catch(() => {
      throw notFound('donation', id);
    });
    return this.donationView(this.db.manager, id);
  }

  /** Where a donation went: its lots, the stock, the redemptions that used it, what is left. */
  async trace(actor: Actor, id: string): Promise<DonationTrace> {
    const view = await this.getDonation(actor, id);
    return traceOf(this.db.manager, view, await this.fundBalanceFen(this.db.manager, view.communityId));
  }

  private async checkDonor(community: RegionEntity, dto: CreateDonationDto): Promise<void> {
    if (dto.donor.organizationId !== undefined && dto.donor.name !== undefined)
      throw invalid('donor', 'give either organizationId or name, not both');
    if (!dto.donor.organizationId) return;
    const org = await this.regions.getOrganization(dto.donor.organizationId);
    const region = org ? await this.regions.get(org.regionId) : null;
    // Donors come from anywhere in the community's city (a merchant next door, a city enterprise).
    if (!org || !region || cityPathOf(region.path) !== cityPathOf(community.path))
      throw notFound('organization', dto.donor.organizationId);
  }

  /**
   * Listings that can take a lot for this community: they circulate there (scoped to it, its street
   * or its city) or lie inside it, and count their stock (an unlimited listing has nothing to add to).
   */
  private async stockableListings(
    community: RegionEntity,
    ids: string[],
    field: string,
  ): Promise<ListingEntity[]> {
    const rows = await this.catalog.findByIds(ids);
    const byId = new Map(rows.map((l) => [l.id, l]));
    for (const id of ids) {
      const l = byId.get(id);
      if (!l || !(scopeCovers(l.scopePath, community.path) || l.scopePath.startsWith(community.path)))
        throw listingNotFound(id);
      if (l.stock === null)
        throw new DomainError(
          'INVALID_STATE',
          { field, listingId: id, stock: null },
          'the listing has unlimited stock: goods cannot be added to it as a lot',
        );
    }
    return rows;
  }

  private async addLot(
    em: EntityManager,
    lot: Omit<DonationLotEntity, 'id' | 'remaining' | 'createdAt'>,
  ): Promise<string> {
    const id = newId();
    await em.getRepository(DonationLotEntity).insert({ id, ...lot, remaining: lot.quantity });
    await this.catalog.returnStock(em, lot.listingId, lot.quantity);
    return id;
  }

  private async donationView(em: EntityManager, id: string, transferIds?: string[]): Promise<DonationView> {
    const d = await em.getRepository(DonationEntity).findOneByOrFail({ id });
    const lots = await em
      .getRepository(DonationLotEntity)
      .find({ where: { donationId: id }, order: { receivedAt: 'ASC', createdAt: 'ASC', id: 'ASC' } });
    const ids =
      transferIds ??
      (
        (await em.query(
          "SELECT id FROM transfers WHERE ref_type = 'donation' AND ref_id = ? ORDER BY created_at, id",
          [id],
        )) as Array<{ id: string }>
      ).map((r) => r.id);
    return {
      id: d.id,
      communityId: d.communityId,
      kind: d.kind,
      source: d.source,
      donor: { organizationId: d.donorOrganizationId, name: d.donorName },
      amountFen: d.amountFen,
      receivedAt: d.receivedAt.toISOString(),
      note: d.note,
      recordedBy: d.recordedBy,
      lots: lots.map(toLotView),
      transferIds: ids,
      createdAt: d.createdAt.toISOString(),
    };
  }

  // ---- Expenses ----------------------------------------------------------------------------------

  /**
   * Spends from the community's fund: community_fund → expense; with a listing and a quantity the
   * money stocked the supermarket, so it goes to inventory instead and becomes a lot at
   * amountFen / quantity per unit (rounded down; the few fen left over are booked as expense).
   * More than the fund holds is 409 `INSUFFICIENT_FUNDS`, and nothing is written.
   */
  async spend(actor: Actor, communityId: string, dto: CreateExpenseDto, key?: string): Promise<ExpenseView> {
    const community = await this.regions.getCommunityInScope(actor, communityId);
    if (dto.listingId) await this.stockableListings(community, [dto.listingId], 'listingId');
    return this.idempotency.run(
      { scope: `expenses:${actor.id}`, key, request: { communityId, ...dto } },
      async (em) => {
        const id = newId();
        await em.getRepository(CommunityExpenseEntity).insert({
          id,
          communityId,
          amountFen: dto.amountFen,
          purpose: dto.purpose,
          listingId: dto.listingId ?? null,
          quantity: dto.quantity ?? null,
          recordedBy: actor.id,
        });
        const fund = await this.account(em, communityId, 'community_fund');
        const availableFen = await this.fundBalanceFen(em, communityId);
        const unit = dto.listingId ? Math.floor(dto.amountFen / dto.quantity!) : 0;
        const stockedFen = dto.listingId ? unit * dto.quantity! : 0;
        const expensedFen = dto.amountFen - stockedFen;
        const transferIds: string[] = [];
        const pay = async (part: string, kind: AccountKind, amount: number) => {
          if (amount <= 0) return;
          const t = await this.ledger.transfer(em, {
            id: this.ledger.deriveId(FUNDING_CODES.expense, id, part),
            debitAccountId: fund,
            creditAccountId: await this.account(em, communityId, kind),
            amount,
            code: FUNDING_CODES.expense,
            refType: 'expense',
            refId: id,
          });
          transferIds.push(t.id);
        };
        try {
          await pay('stock', 'inventory', stockedFen);
          await pay('expense', 'expense', expensedFen);
        } catch (err) {
          if (err instanceof DomainError && err.code === 'INSUFFICIENT_FUNDS') {
            throw new DomainError(
              'INSUFFICIENT_FUNDS',
              { communityId, requestedFen: dto.amountFen, availableFen },
              'the community fund does not hold that much',
            );
          }
          throw err;
        }
        let lot: LotView | null = null;
        if (dto.listingId) {
          const lotId = await this.addLot(em, {
            donationId: null,
            expenseId: id,
            communityId,
            listingId: dto.listingId,
            quantity: dto.quantity!,
            unitValueFen: unit,
            receivedAt: new Date(),
          });
          lot = toLotView(await em.getRepository(DonationLotEntity).findOneByOrFail({ id: lotId }));
        }
        const row = await em.getRepository(CommunityExpenseEntity).findOneByOrFail({ id });
        return {
          id,
          communityId,
          amountFen: row.amountFen,
          purpose: row.purpose,
          listingId: row.listingId,
          quantity: row.quantity,
          lot,
          stockedFen,
          expensedFen,
          transferIds,
          fundBalanceFen: await this.fundBalanceFen(em, communityId),
          createdAt: row.createdAt.toISOString(),
        };
      },
    );
  }

  /** The community's money: what its fund holds and the value of goods on the shelf. */
  async balances(actor: Actor, communityId: string) {
    await this.regions.getCommunityInScope(actor, communityId);
    const em = this.db.manager;
    const inventory = await this.ledger.balances(
      await this.ledger.findAccount({
        ledger: MONEY,
        kind: 'inventory',
        ownerType: 'region',
        ownerId: communityId,
      }),
    );
    const lots: Array<{ n: string | number; value: string | number | null }> = await em.query(
      'SELECT COUNT(*) AS n, SUM(remaining * unit_value_fen) AS value FROM donation_lots WHERE community_id = ? AND remaining > 0',
      [communityId],
    );
    return {
      communityId,
      fundBalanceFen: await this.fundBalanceFen(em, communityId),
      inventoryValueFen: inventory.creditsPosted - inventory.debitsPosted,
      openLots: Number(lots[0]?.n ?? 0),
      openLotsValueFen: Number(lots[0]?.value ?? 0),
    };
  }

  async fundBalanceFen(em: EntityManager, communityId: string): Promise<number> {
    const id = await this.ledger.findAccount(
      { ledger: MONEY, kind: 'community_fund', ownerType: 'region', ownerId: communityId },
      em,
    );
    const b = await this.ledger.balances(id, em);
    return b.creditsPosted - b.debitsPosted - b.debitsPending;
  }

  // ---- Cost of redemptions -----------------------------------------------------------------------

  /**
   * Called by the redemption capture, inside its transaction, once the order is redeemed: takes the
   * order's units from the listing's lots, oldest first, each by a conditional update
   * (`remaining = remaining - ? WHERE remaining >= ?`, so two captures never take the same unit),
   * records which lot served the order (lot_consumptions) and posts inventory → cost_of_redemptions
   * at each lot's unit value, in the lot's community.
   *
   * Idempotent per order: a second call returns what the first recorded. Units that no lot covers
   * (stock added by a plain restock, or a listing without lots) recognise no cost: their value never
   * entered the ledger, so there is nothing to take out of inventory; listings.unit_cost_fen is a
   * provider's estimate, not money the community spent. Cancelled and expired orders never reach
   * this: lots are consumed only at redemption.
   */
  async recognizeRedemptionCost(
    em: EntityManager,
    o: { orderId: string; listingId: string; quantity: number; communityId?: string | null },
  ): Promise<RedemptionCost> {
    const prior: Array<{
      lot_id: string;
      quantity: number;
      unit_value_fen: string | number;
      amount_fen: string | number;
    }> = await em.query(
      'SELECT lot_id, quantity, unit_value_fen, amount_fen FROM lot_consumptions WHERE order_id = ? ORDER BY created_at, id',
      [o.orderId],
    );
    if (prior.length) {
      const consumed = prior.map((r) => ({
        lotId: r.lot_id,
        quantity: Number(r.quantity),
        unitValueFen: Number(r.unit_value_fen),
        amountFen: Number(r.amount_fen),
      }));
      const taken = consumed.reduce((a, c) => a + c.quantity, 0);
      return {
        orderId: o.orderId,
        consumed,
        costFen: consumed.reduce((a, c) => a + c.amountFen, 0),
        uncoveredQuantity: Math.max(0, o.quantity - taken),
      };
    }
    let need = o.quantity;
    const consumed: RedemptionCost['consumed'] = [];
    for (let round = 0; need > 0 && round < 100; round++) {
      const lots: Array<{
        id: string;
        remaining: number;
        unit_value_fen: string | number;
        community_id: string;
      }> = await em.query(
        `SELECT id, remaining, unit_value_fen, community_id FROM donation_lots
            WHERE listing_id = ? AND remaining > 0 ORDER BY received_at, created_at, id LIMIT 20`,
        [o.listingId],
      );
      if (!lots.length) break;
      let raced = false;
      for (const lot of lots) {
        const take = Math.min(need, Number(lot.remaining));
        const ok = affectedRows(
          await em.query(
            'UPDATE donation_lots SET remaining = remaining - ? WHERE id = ? AND remaining >= ?',
            [take, lot.id, take],
          ),
        );
        if (!ok) {
          raced = true; // another capture took some meanwhile: read the lots again
          break;
        }
        const unit = Number(lot.unit_value_fen);
        const amount = take * unit;
        let transferId: string | null = null;
        if (amount > 0) {
          transferId = (
            await this.ledger.transfer(em, {
              id: this.ledger.deriveId(FUNDING_CODES.redemptionCost, o.orderId, lot.id),
              debitAccountId: await this.account(em, lot.community_id, 'inventory'),
              creditAccountId: await this.account(em, lot.community_id, 'cost_of_redemptions'),
              amount,
              code: FUNDING_CODES.redemptionCost,
              refType: 'order',
              refId: o.orderId,
            })
          ).id;
        }
        await em.query(
          `INSERT INTO lot_consumptions (id, lot_id, order_id, listing_id, community_id, order_community_id, quantity, unit_value_fen, amount_fen, transfer_id, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP(3))`,
          [
            newId(),
            lot.id,
            o.orderId,
            o.listingId,
            lot.community_id,
            o.communityId ?? null,
            take,
            unit,
            amount,
            transferId,
          ],
        );
        consumed.push({ lotId: lot.id, quantity: take, unitValueFen: unit, amountFen: amount });
        need -= take;
        if (need === 0) break;
      }
      if (!raced && lots.length < 20) break;
    }
    return {
      orderId: o.orderId,
      consumed,
      costFen: consumed.reduce((a, c) => a + c.amountFen, 0),
      uncoveredQuantity: need,
    };
  }
}
