import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CreditService } from '../earning/credit.service';
import { earningYearOf, yearRange } from '../earning/earning-period';
import { EntitlementReportQueries } from '../entitlements/entitlement-report.queries';
import { ReportResidentRow, ResidentReportQueries } from '../identity/resident-report.queries';
import { LedgerReportQueries, PointFlowRow } from '../ledger/ledger-report.queries';
import { OrderReportQueries } from '../orders/order-report.queries';
import { RegionReportQueries, ReportCommunityRow } from '../regions/region-report.queries';
import { DonationsRepository } from './donations.repository';
import { FUNDING_CODES, MONEY } from './funding.types';
import {
  aaaHouseholdCounts,
  CommunityAccounts,
  earnedPoints,
  MoneyAmounts,
  moneyAmounts,
  participantCounts,
  PointAmounts,
  pointAmounts,
} from './report-amounts';
import {
  communityFigures,
  CommunityAmounts,
  CommunityFigures,
  emptyAmounts,
  ReportFigures,
  totalsOf,
} from './report-arithmetic';

export interface ComputedReport {
  regionId: string;
  regionName: string;
  from: string;
  to: string;
  totals: ReportFigures;
  communities: CommunityFigures[];
}

/** The points side of a report, by community. */
interface PointFigures {
  amounts: Map<string, PointAmounts>;
  residents: Map<string, number>;
  participants: Map<string, number>;
  aaaHouseholds: Map<string, number>;
}

/**
 * Reads a report's amounts for every community below a region, for [from, to). Every amount comes
 * from the ledger (transfers by code and account kind, joined to the community's accounts) and the
 * orders, never from counters kept elsewhere; each read is a query the owning module exports
 * (ledger, orders, identity, regions, entitlements), the arithmetic is in report-amounts.ts:
 *
 * - funds by source: `donation` transfers debiting funding_source[community, source], of the
 *   donations received in the period (`received_at`; every other amount by its transfer's time);
 * - spending: transfers debiting the community_fund (expenses and stock bought);
 * - cost of redemptions: inventory → cost_of_redemptions;
 * - points issued: `award` and `base_grant` debiting the community's issuance account; deducted:
 *   `deduction` crediting its deduction sink; expired: transfers crediting its expiry sink;
 *   redeemed: the points of orders redeemed in the period (each capture posts its order's whole hold
 *   with code `redeem` in the same transaction), by the order's community;
 * - outstanding: issued − deducted − redeemed − expired over all time before `to`;
 * - participation: residents (registered now) credited an `award` in the period / residents;
 *   residents are the community's active users with the resident role, as registered now;
 * - AAA households: households with a resident whose points earned in the earning year of the
 *   period's end, up to that end, reach the community's AAA threshold (CreditService's rule:
 *   awards + base grants − deductions; its thresholds);
 * - deferred hospital bills: treat-first-pay-later uses of the community's residents recorded before
 *   `to` and unpaid now (overdue: marked overdue, or due and unpaid).
 *
 * Runs on the caller's transaction (`tx`): the builder gives it a REPEATABLE READ transaction so
 * that all the queries read one snapshot.
 */
@Injectable()
export class ReportFiguresService {
  constructor(
    private readonly credit: CreditService,
    private readonly ledger: LedgerReportQueries,
    private readonly orders: OrderReportQueries,
    private readonly residents: ResidentReportQueries,
    private readonly regions: RegionReportQueries,
    private readonly entitlements: EntitlementReportQueries,
    private readonly donations: DonationsRepository,
  ) {}

  async compute(
    tx: EntityManager,
    region: { id: string; name: string; path: string },
    from: Date,
    to: Date,
  ): Promise<ComputedReport> {
    const amounts = await this.amounts(tx, await this.regions.communitiesUnder(tx, region), from, to);
    return {
      regionId: region.id,
      regionName: region.name,
      from: from.toISOString(),
      to: to.toISOString(),
      totals: totalsOf(amounts),
      communities: amounts.map(communityFigures),
    };
  }

  async amounts(
    tx: EntityManager,
    communities: ReportCommunityRow[],
    from: Date,
    to: Date,
  ): Promise<CommunityAmounts[]> {
    if (!communities.length) return [];
    const ids = communities.map((c) => c.id);
    const accounts = new CommunityAccounts(await this.ledger.regionAccounts(tx, ids));
    const profiles = new Map((await this.regions.profiles(tx, ids)).map((p) => [p.regionId, p]));
    const money = await this.money(tx, ids, accounts, from, to);
    const points = await this.points(tx, ids, accounts, from, to);
    const bills = new Map(
      (await this.entitlements.deferredBills(tx, ids, to)).map((b) => [b.communityId, b]),
    );
    return communities.map((c): CommunityAmounts => {
      const p = profiles.get(c.id);
      const b = bills.get(c.id);
      return {
        ...emptyAmounts(c),
        ...(p && {
          population: p.population,
          households: p.households,
          collectiveIncomeFen: p.collectiveIncomeFen,
        }),
        ...money.get(c.id),
        ...points.amounts.get(c.id),
        residents: points.residents.get(c.id) ?? 0,
        participants: points.participants.get(c.id) ?? 0,
        aaaHouseholds: points.aaaHouseholds.get(c.id) ?? 0,
        ...(b && {
          deferredBillsOutstanding: b.outstanding,
          deferredBillsOutstandingFen: b.outstandingFen,
          deferredBillsOverdue: b.overdue,
          deferredBillsOverdueFen: b.overdueFen,
        }),
      };
    });
  }

  /**
   * The transfers that debit the communities' money accounts: donations by when they were received
   * (`donations.received_at`, so a donation recorded late counts in the period it came in),
   * everything else by when it was booked.
   */
  private async money(
    tx: EntityManager,
    communityIds: string[],
    accounts: CommunityAccounts,
    from: Date,
    to: Date,
  ): Promise<Map<string, MoneyAmounts>> {
    const debitIds = accounts.idsOf('funding_source', 'community_fund', 'inventory');
    if (!debitIds.length) return new Map();
    const code = FUNDING_CODES.donation;
    const booked = await this.ledger.debitSums(tx, { ledger: MONEY, debitIds, exceptCode: code, from, to });
    const donationIds = await this.donations.receivedIds(tx, communityIds, from, to);
    const received = await this.ledger.refSums(tx, {
      ledger: MONEY,
      code,
      refType: 'donation',
      refIds: donationIds,
    });
    return moneyAmounts([...booked, ...received], accounts);
  }

  /**
   * Issued, deducted and expired points, participation and AAA households, from one grouped pass
   * over the issuance accounts' transfers and one over the sinks' (by account and wallet), then the
   * wallets' residents. Windows: the period [from, to); all time before `to` (outstanding); the
   * earning year up to `to` (AAA, as CreditService counts it: awards + base grants − deductions).
   */
  private async points(
    tx: EntityManager,
    ids: string[],
    accounts: CommunityAccounts,
    from: Date,
    to: Date,
  ): Promise<PointFigures> {
    const windows = { from, yearFrom: yearRange(earningYearOf(new Date(to.getTime() - 1))).from, to };
    const issued = await this.ledger.issuedPoints(tx, accounts.idsOf('issuance'), windows);
    const sunk = await this.ledger.sunkPoints(tx, accounts.idsOf('deduction_sink', 'expiry_sink'), windows);
    const residentOf = await this.walletResidents(tx, [...issued, ...sunk]);
    const redeemed = await this.orders.redeemedPoints(tx, ids, from, to);
    const residents = await this.residents.countByRegion(tx, ids);
    const earned = earnedPoints(issued, sunk, residentOf, accounts);
    const communities = new Set([...earned.values()].map((e) => e.community));
    return {
      amounts: pointAmounts(issued, sunk, redeemed, accounts),
      residents: new Map(residents.map((r) => [r.regionId, r.residents])),
      participants: participantCounts(issued, residentOf, accounts),
      aaaHouseholds: aaaHouseholdCounts(earned, await this.aaaThresholds([...communities])),
    };
  }

  /** Whose wallets: residents (registered and active now) of which community, in which household. */
  private async walletResidents(
    tx: EntityManager,
    flows: PointFlowRow[],
  ): Promise<Map<string, ReportResidentRow>> {
    const owners = await this.ledger.walletOwners(tx, [...new Set(flows.map((r) => r.wallet))]);
    const residents = await this.residents.residents(tx, [...new Set(owners.values())]);
    const byUser = new Map(residents.map((r) => [r.userId, r]));
    return new Map(
      [...owners].flatMap(([wallet, user]) =>
        byUser.has(user) ? [[wallet, byUser.get(user)!] as const] : [],
      ),
    );
  }

  private async aaaThresholds(communities: string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const c of communities) out.set(c, (await this.credit.thresholdsFor(c)).aaa);
    return out;
  }
}
