import type { PointFlowRow, RegionAccountRow, TransferSumRow } from '../ledger/ledger-report.queries';
import type { RedeemedPointsRow } from '../orders/order-report.queries';
import type { ReportResidentRow } from '../identity/resident-report.queries';
import { FUNDING_CODES, FUNDING_SOURCES, type FundingSource } from './funding.types';
import type { CommunityAmounts } from './report-arithmetic';

/**
 * The pure half of a report's figures: from the rows the owning modules' report queries return to
 * each community's amounts. Every function returns a new map keyed by community (or resident).
 */

/** The accounts of the communities a report covers, by id and by kind. */
export class CommunityAccounts {
  private readonly byId: Map<string, RegionAccountRow>;

  constructor(private readonly rows: RegionAccountRow[]) {
    this.byId = new Map(rows.map((a) => [a.id, a]));
  }

  get(id: string): RegionAccountRow | undefined {
    return this.byId.get(id);
  }

  /** The community owning an account. */
  ownerOf(id: string): string {
    return this.byId.get(id)!.ownerId;
  }

  idsOf(...kinds: string[]): string[] {
    return this.rows.filter((a) => kinds.includes(a.kind)).map((a) => a.id);
  }
}

export type MoneyAmounts = Pick<
  CommunityAmounts,
  'fundsBySourceFen' | 'spendingFen' | 'costOfRedemptionsFen'
>;
export type PointAmounts = Pick<
  CommunityAmounts,
  'pointsIssued' | 'pointsDeducted' | 'pointsRedeemed' | 'pointsExpired' | 'pointsOutstanding'
>;
/** The points a resident earned in the earning year (CreditService's rule), and their household. */
export interface EarnedPoints {
  community: string;
  household: string;
  points: number;
}

/** A map whose `at(key)` makes the value of a key it does not hold yet. */
class Tally<K, V> extends Map<K, V> {
  constructor(private readonly make: () => V) {
    super();
  }

  at(key: K): V {
    let v = this.get(key);
    if (v === undefined) {
      v = this.make();
      this.set(key, v);
    }
    return v;
  }
}

/** The number of distinct members of each set. */
const sizes = <K>(sets: Map<K, Set<string>>): Map<K, number> =>
  new Map([...sets].map(([k, set]) => [k, set.size]));

/**
 * Funds by source (donations debiting a funding_source), spending (debiting the community_fund)
 * and the cost of redemptions (inventory → cost_of_redemptions), from transfer sums.
 */
export function moneyAmounts(rows: TransferSumRow[], accounts: CommunityAccounts): Map<string, MoneyAmounts> {
  const out = new Tally<string, MoneyAmounts>(() => ({
    fundsBySourceFen: {},
    spendingFen: 0,
    costOfRedemptionsFen: 0,
  }));
  for (const r of rows) {
    const debit = accounts.get(r.debitAccountId);
    if (!debit) continue;
    const credit = accounts.get(r.creditAccountId);
    const c = out.at(debit.ownerId);
    if (debit.kind === 'funding_source' && r.code === FUNDING_CODES.donation) {
      const source = debit.sub as FundingSource;
      if (FUNDING_SOURCES.includes(source))
        c.fundsBySourceFen[source] = (c.fundsBySourceFen[source] ?? 0) + r.amount;
    } else if (debit.kind === 'community_fund') {
      c.spendingFen += r.amount;
    } else if (debit.kind === 'inventory' && credit?.kind === 'cost_of_redemptions') {
      c.costOfRedemptionsFen += r.amount;
    }
  }
  return out;
}

/**
 * Points issued, deducted, expired and redeemed in the period, and outstanding (issued − deducted −
 * redeemed − expired over all time before the period's end).
 */
export function pointAmounts(
  issued: PointFlowRow[],
  sunk: PointFlowRow[],
  redeemed: RedeemedPointsRow[],
  accounts: CommunityAccounts,
): Map<string, PointAmounts> {
  const out = new Tally<string, PointAmounts>(() => ({
    pointsIssued: 0,
    pointsDeducted: 0,
    pointsRedeemed: 0,
    pointsExpired: 0,
    pointsOutstanding: 0,
  }));
  const of = (community: string) => out.at(community);
  for (const r of issued) {
    const c = of(accounts.ownerOf(r.side));
    c.pointsIssued += r.period;
    c.pointsOutstanding += r.total;
  }
  for (const r of sunk) {
    const sink = accounts.get(r.side)!;
    const c = of(sink.ownerId);
    if (sink.kind === 'deduction_sink') c.pointsDeducted += r.period;
    else c.pointsExpired += r.period;
    c.pointsOutstanding -= r.total;
  }
  for (const r of redeemed) {
    const c = of(r.communityId);
    c.pointsRedeemed += r.period;
    c.pointsOutstanding -= r.total;
  }
  return out;
}

/**
 * Points each resident of a community earned in the earning year: awards and base grants from its
 * issuance account, less deductions into its deduction sink. A wallet of another community's
 * resident, or of someone no longer a resident, counts for nobody.
 */
export function earnedPoints(
  issued: PointFlowRow[],
  sunk: PointFlowRow[],
  residentOf: Map<string, ReportResidentRow>,
  accounts: CommunityAccounts,
): Map<string, EarnedPoints> {
  const out = new Map<string, EarnedPoints>();
  const earn = (community: string, wallet: string, points: number) => {
    const o = residentOf.get(wallet);
    if (!o || o.regionId !== community) return;
    const e = out.get(o.userId) ?? { community, household: o.household, points: 0 };
    e.points += points;
    out.set(o.userId, e);
  };
  for (const r of issued) earn(accounts.ownerOf(r.side), r.wallet, r.year);
  for (const r of sunk) {
    const sink = accounts.get(r.side)!;
    if (sink.kind === 'deduction_sink') earn(sink.ownerId, r.wallet, -r.year);
  }
  return out;
}

/** Residents of each community awarded points in the period. */
export function participantCounts(
  issued: PointFlowRow[],
  residentOf: Map<string, ReportResidentRow>,
  accounts: CommunityAccounts,
): Map<string, number> {
  const sets = new Tally<string, Set<string>>(() => new Set());
  for (const r of issued) {
    const community = accounts.ownerOf(r.side);
    const o = residentOf.get(r.wallet);
    if (r.awards > 0 && o?.regionId === community) sets.at(community).add(o.userId);
  }
  return sizes(sets);
}

/** Households with a resident whose earned points reach their community's AAA threshold. */
export function aaaHouseholdCounts(
  earned: Map<string, EarnedPoints>,
  aaaThreshold: Map<string, number>,
): Map<string, number> {
  const sets = new Tally<string, Set<string>>(() => new Set());
  for (const e of earned.values()) {
    if (e.points < aaaThreshold.get(e.community)!) continue;
    sets.at(e.community).add(e.household);
  }
  return sizes(sets);
}
