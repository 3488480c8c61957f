import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { cityPathOf, scopeCovers } from '../catalog/catalog-rules';
import { CatalogService, listingNotFound } from '../catalog/catalog.service';
import { Actor } from '../common/actor';
import { DomainError } from '../common/domain-error';
import { invalid, invalidState, notFound, refuse } from '../common/errors';
import { IdempotencyService } from '../common/idempotency.service';
import { newId } from '../common/ids';
import { LedgerReportQueries } from '../ledger/ledger-report.queries';
import { LedgerService } from '../ledger/ledger.service';
import { AccountKind } from '../ledger/ledger.types';
import { RegionsService } from '../regions/regions.service';
import { communityAccount } from './community-account';
import { DonationTrace, DonationTraceReader } from './donation-trace';
import { DonationsRepository } from './donations.repository';
import { CreateDonationDto, CreateExpenseDto, MAX_AMOUNT_FEN } from './dto/funding.dto';
import type { DonationLotEntity } from './entities/donation-lot.entity';
import { ExpensesRepository } from './expenses.repository';
import { FUNDING_CODES, MONEY } from './funding.types';
import { DonationView, ExpenseView, LotView, toLotView } from './funding-views';
import { LotsRepository } from './lots.repository';
import { RedeemedOrder, RedemptionCost, RedemptionCostService } from './redemption-cost.service';
import { instantOf } from './report-period';

export type { RedemptionCost } from './redemption-cost.service';
export type { DonationView, ExpenseView, LotView } from './funding-views';

/** The region a donation or an expense is for (what RegionsService answers). */
type Community = Awaited<ReturnType<RegionsService['getCommunityInScope']>>;
type NewLot = Omit<DonationLotEntity, 'id' | 'remaining' | 'createdAt'>;

/**
 * Donations, expenses, lots and the cost of redemptions. Every movement of money is a transfer of
 * the CNY_FEN ledger (codes in funding.types.ts) in the same transaction as the rows it explains.
 * A community's money accounts are owned by the community region: funding_source (one per source,
 * `sub` = the source), community_fund (may not go below zero), inventory (goods at value, may not
 * go below zero), expense and cost_of_redemptions. Statements are in the repositories
 * (donations, expenses, lots); the cost of redemptions in RedemptionCostService.
 */
@Injectable()
export class FundingService {
  constructor(
    private readonly ledger: LedgerService,
    private readonly regions: RegionsService,
    private readonly catalog: CatalogService,
    private readonly idempotency: IdempotencyService,
    private readonly donations: DonationsRepository,
    private readonly expenses: ExpensesRepository,
    private readonly lots: LotsRepository,
    private readonly redemptionCost: RedemptionCostService,
    private readonly traces: DonationTraceReader,
    private readonly ledgerReports: LedgerReportQueries,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  account(tx: EntityManager, communityId: string, kind: AccountKind, sub?: string): Promise<string> {
    return communityAccount(this.ledger, tx, communityId, kind, sub);
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
    const amountFen = await this.donationAmount(community, dto);
    return this.idempotency.run({ scope: `donations:${actor.id}`, key, request: dto }, async (tx) => {
      const id = newId();
      await this.donations.insert(tx, {
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
      const transferIds = await this.bookDonation(
        tx,
        { id, communityId: community.id, amountFen, receivedAt },
        dto,
      );
      return this.donationView(tx, id, transferIds);
    });
  }

  async getDonation(actor: Actor, id: string): Promise<DonationView> {
    const d = await this.donations.find(this.db.manager, id);
    if (!d) throw notFound('donation', id);
    await this.regions.getCommunityInScope(actor, d.communityId).catch(() => {
      throw notFound('donation', id);
    });
    return this.donationView(this.db.manager, id);
  }

  /** Where a donation went: its lots, the stock, the redemptions that used it, what is left. */
  async trace(actor: Actor, id: string): Promise<DonationTrace> {
    const view = await this.getDonation(actor, id);
    const pool = this.db.manager;
    return this.traces.trace(pool, view, await this.fundBalanceFen(pool, view.communityId));
  }

  /** The donation's value: the cash or service amount, or the items' value (which must be stockable). */
  private async donationAmount(community: Community, dto: CreateDonationDto): Promise<number> {
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
    return amountFen;
  }

  /** The donation's transfers (and lots, for goods): the ids of the transfers, in order. */
  private async bookDonation(
    tx: EntityManager,
    d: { id: string; communityId: string; amountFen: number; receivedAt: Date },
    dto: CreateDonationDto,
  ): Promise<string[]> {
    const source = await this.account(tx, d.communityId, 'funding_source', dto.source);
    const transferIds: string[] = [];
    const move = async (part: string | number, credit: string, amount: number) => {
      if (amount <= 0) return;
      const t = await this.ledger.transfer(tx, {
        id: this.ledger.deriveId(FUNDING_CODES.donation, d.id, part),
        debitAccountId: source,
        creditAccountId: credit,
        amount,
        code: FUNDING_CODES.donation,
        refType: 'donation',
        refId: d.id,
      });
      transferIds.push(t.id);
    };
    if (dto.kind === 'cash')
      await move('cash', await this.account(tx, d.communityId, 'community_fund'), d.amountFen);
    else if (dto.kind === 'service')
      await move('service', await this.account(tx, d.communityId, 'expense'), d.amountFen);
    else {
      const inventory = await this.account(tx, d.communityId, 'inventory');
      for (const [i, item] of (dto.items ?? []).entries()) {
        await this.addLot(tx, {
          donationId: d.id,
          expenseId: null,
          communityId: d.communityId,
          listingId: item.listingId,
          quantity: item.quantity,
          unitValueFen: item.unitValueFen,
          receivedAt: d.receivedAt,
        });
        await move(i, inventory, item.quantity * item.unitValueFen);
      }
    }
    return transferIds;
  }

  private async checkDonor(community: Community, dto: CreateDonationDto): Promise<void> {
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
   * Checks that listings can take a lot for this community: they circulate there (scoped to it, its
   * street or its city) or lie inside it, and count their stock (an unlimited listing has nothing
   * to add to).
   */
  private async stockableListings(community: Community, ids: string[], field: string): Promise<void> {
    const rows = await this.catalog.findByIds(ids);
    const byId = new Map(rows.map((l) => [l.id, l]));
    for (const id of ids) {
      const l = byId.get(id);
      if (!l || !(scopeCovers(l.scopePath, community.path) || l.scopePath.startsWith(community.path)))
        throw listingNotFound(id);
      if (l.stock === null)
        throw invalidState('the listing has unlimited stock: goods cannot be added to it as a lot', {
          field,
          listingId: id,
          stock: null,
        });
    }
  }

  private async addLot(tx: EntityManager, lot: NewLot): Promise<string> {
    const id = newId();
    await this.lots.insert(tx, { id, ...lot, remaining: lot.quantity });
    await this.catalog.returnStock(tx, lot.listingId, lot.quantity);
    return id;
  }

  private async donationView(tx: EntityManager, id: string, transferIds?: string[]): Promise<DonationView> {
    const d = (await this.donations.find(tx, id))!;
    const lots = await this.lots.ofDonation(tx, id);
    const ids = transferIds ?? (await this.ledgerReports.transferIdsOf(tx, 'donation', id));
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
      (tx) => this.recordExpense(tx, actor, communityId, dto),
    );
  }

  private async recordExpense(
    tx: EntityManager,
    actor: Actor,
    communityId: string,
    dto: CreateExpenseDto,
  ): Promise<ExpenseView> {
    const id = newId();
    await this.expenses.insert(tx, {
      id,
      communityId,
      amountFen: dto.amountFen,
      purpose: dto.purpose,
      listingId: dto.listingId ?? null,
      quantity: dto.quantity ?? null,
      recordedBy: actor.id,
    });
    const fund = await this.account(tx, communityId, 'community_fund');
    const availableFen = await this.fundBalanceFen(tx, communityId);
    const unit = dto.listingId ? Math.floor(dto.amountFen / dto.quantity!) : 0;
    const stockedFen = dto.listingId ? unit * dto.quantity! : 0;
    const expensedFen = dto.amountFen - stockedFen;
    const transferIds = await this.payExpense(tx, { id, communityId, fund, stockedFen, expensedFen }).catch(
      (err: unknown) => {
        if (err instanceof DomainError && err.code === 'INSUFFICIENT_FUNDS')
          throw refuse(
            'INSUFFICIENT_FUNDS',
            { communityId, requestedFen: dto.amountFen, availableFen },
            'the community fund does not hold that much',
          );
        throw err;
      },
    );
    let lot: LotView | null = null;
    if (dto.listingId) {
      const lotId = await this.addLot(tx, {
        donationId: null,
        expenseId: id,
        communityId,
        listingId: dto.listingId,
        quantity: dto.quantity!,
        unitValueFen: unit,
        receivedAt: new Date(),
      });
      lot = toLotView(await this.lots.get(tx, lotId));
    }
    const row = await this.expenses.get(tx, id);
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
      fundBalanceFen: await this.fundBalanceFen(tx, communityId),
      createdAt: row.createdAt.toISOString(),
    };
  }

  /** The expense's transfers out of the fund: to inventory (stocked) and to expense (the rest). */
  private async payExpense(
    tx: EntityManager,
    e: { id: string; communityId: string; fund: string; stockedFen: number; expensedFen: number },
  ): Promise<string[]> {
    const transferIds: string[] = [];
    const pay = async (part: string, kind: AccountKind, amount: number) => {
      if (amount <= 0) return;
      const t = await this.ledger.transfer(tx, {
        id: this.ledger.deriveId(FUNDING_CODES.expense, e.id, part),
        debitAccountId: e.fund,
        creditAccountId: await this.account(tx, e.communityId, kind),
        amount,
        code: FUNDING_CODES.expense,
        refType: 'expense',
        refId: e.id,
      });
      transferIds.push(t.id);
    };
    await pay('stock', 'inventory', e.stockedFen);
    await pay('expense', 'expense', e.expensedFen);
    return transferIds;
  }

  /** The community's money: what its fund holds and the value of goods on the shelf. */
  async balances(actor: Actor, communityId: string) {
    await this.regions.getCommunityInScope(actor, communityId);
    const pool = this.db.manager;
    const inventory = await this.ledger.balancesIn(
      pool,
      await this.ledger.accountIn(pool, {
        ledger: MONEY,
        kind: 'inventory',
        ownerType: 'region',
        ownerId: communityId,
      }),
    );
    const lots = await this.lots.openSummary(pool, communityId);
    return {
      communityId,
      fundBalanceFen: await this.fundBalanceFen(pool, communityId),
      inventoryValueFen: inventory.creditsPosted - inventory.debitsPosted,
      openLots: lots.openLots,
      openLotsValueFen: lots.openLotsValueFen,
    };
  }

  async fundBalanceFen(tx: EntityManager, communityId: string): Promise<number> {
    const id = await this.ledger.accountIn(tx, {
      ledger: MONEY,
      kind: 'community_fund',
      ownerType: 'region',
      ownerId: communityId,
    });
    const b = await this.ledger.balancesIn(tx, id);
    return b.creditsPosted - b.debitsPosted - b.debitsPending;
  }

  // ---- Cost of redemptions -----------------------------------------------------------------------

  /**
   * Called by the redemption capture, inside its transaction, once the order is redeemed: takes the
   * order's units from the listing's lots, oldest first, records which lot served the order and
   * posts inventory → cost_of_redemptions at each lot's unit value (RedemptionCostService).
   *
   * Idempotent per order: a second call returns what the first recorded. Units that no lot covers
   * (stock added by a plain restock, or a listing without lots) recognise no cost: their value never
   * entered the ledger, so there is nothing to take out of inventory; listings.unit_cost_fen is a
   * provider's estimate, not money the community spent. Cancelled and expired orders never reach
   * this: lots are consumed only at redemption.
   */
  recognizeRedemptionCost(tx: EntityManager, o: RedeemedOrder): Promise<RedemptionCost> {
    return this.redemptionCost.recognize(tx, o);
  }

  /** The same for a batch of captures: one read when none of their listings has lots. */
  recognizeRedemptionCosts(tx: EntityManager, os: RedeemedOrder[]): Promise<void> {
    return this.redemptionCost.recognizeMany(tx, os);
  }
}
