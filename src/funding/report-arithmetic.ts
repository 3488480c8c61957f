// Pure arithmetic of funding reports: from amounts read off the ledger and the orders to the
// figures a street office reads. No I/O here (unit-tested in report-arithmetic.spec.ts).
import { FUNDING_SOURCES, type FundingSource } from './funding.types';

/** Amounts for one community in a period, as read from the ledger, the orders and the register. */
export interface CommunityAmounts {
  regionId: string;
  name: string;
  kind: string;
  population: number | null;
  households: number | null;
  /** Yearly collective income (community_profiles), in fen. */
  collectiveIncomeFen: number | null;
  /** Value received in the period by source (cash, in-kind goods and services), in fen. */
  fundsBySourceFen: Partial<Record<FundingSource, number>>;
  /** Paid out of the community's fund in the period (expenses and stock bought), in fen. */
  spendingFen: number;
  /** Value of lots handed over at redemption in the period, in fen. */
  costOfRedemptionsFen: number;
  /** Points in the period. */
  pointsIssued: number;
  pointsDeducted: number;
  pointsRedeemed: number;
  pointsExpired: number;
  /** Points issued − deducted − redeemed − expired over all time up to the end of the period. */
  pointsOutstanding: number;
  /** Registered residents, and those of them who were awarded points in the period. */
  residents: number;
  participants: number;
  aaaHouseholds: number;
  deferredBillsOutstanding: number;
  deferredBillsOutstandingFen: number;
  deferredBillsOverdue: number;
  deferredBillsOverdueFen: number;
}

/** A community's amounts before anything is counted (every figure zero, profile unknown). */
export function emptyAmounts(c: { id: string; name: string; kind: string }): CommunityAmounts {
  return {
    regionId: c.id,
    name: c.name,
    kind: c.kind,
    population: null,
    households: null,
    collectiveIncomeFen: null,
    fundsBySourceFen: {},
    spendingFen: 0,
    costOfRedemptionsFen: 0,
    pointsIssued: 0,
    pointsDeducted: 0,
    pointsRedeemed: 0,
    pointsExpired: 0,
    pointsOutstanding: 0,
    residents: 0,
    participants: 0,
    aaaHouseholds: 0,
    deferredBillsOutstanding: 0,
    deferredBillsOutstandingFen: 0,
    deferredBillsOverdue: 0,
    deferredBillsOverdueFen: 0,
  };
}

export interface SourceFigure {
  fen: number;
  /** Fraction 0..1 of the funds received; null when nothing was received. */
  share: number | null;
}

/** What a report shows for one community and in total. Shares and rates are fractions 0..1 (or null). */
export interface ReportFigures {
  population: number | null;
  households: number | null;
  collectiveIncomeFen: number | null;
  fundsInFen: number;
  fundsBySource: Record<FundingSource, SourceFigure>;
  socialDonationShare: number | null;
  spendingFen: number;
  costOfRedemptionsFen: number;
  pointsIssued: number;
  pointsDeducted: number;
  pointsRedeemed: number;
  pointsExpired: number;
  pointsOutstanding: number;
  redemptionRate: number | null;
  costPerRedeemedPointFen: number | null;
  spendingShareOfCollectiveIncome: number | null;
  residents: number;
  participants: number;
  participationRate: number | null;
  aaaHouseholds: number;
  deferredBillsOutstanding: number;
  deferredBillsOutstandingFen: number;
  deferredBillsOverdue: number;
  deferredBillsOverdueFen: number;
}

export interface CommunityFigures extends ReportFigures {
  regionId: string;
  name: string;
  kind: string;
}

/** `n / d` rounded to `places` decimals, or null when `d` is 0 (nothing to divide by). */
export function ratio(n: number, d: number | null | undefined, places = 6): number | null {
  if (!d) return null;
  const f = 10 ** places;
  return Math.round((n / d) * f) / f;
}

/** A share as a percentage with one decimal for people (0.159509 → "16.0%"); "—" for null. */
export function percent(share: number | null): string {
  if (share === null) return '—';
  return `${(Math.round(share * 1000) / 10).toFixed(1)}%`;
}

/** Fen as yuan with two decimals (1234567 → "12,345.67"). */
export function yuan(fen: number | null): string {
  if (fen === null) return '—';
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const whole = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${whole}.${String(abs % 100).padStart(2, '0')}`;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

export function figuresOf(a: Omit<CommunityAmounts, 'regionId' | 'name' | 'kind'>): ReportFigures {
  const fundsInFen = sum(FUNDING_SOURCES.map((s) => a.fundsBySourceFen[s] ?? 0));
  const fundsBySource = Object.fromEntries(
    FUNDING_SOURCES.map((s) => {
      const fen = a.fundsBySourceFen[s] ?? 0;
      return [s, { fen, share: ratio(fen, fundsInFen) }];
    }),
  ) as Record<FundingSource, SourceFigure>;
  return {
    population: a.population,
    households: a.households,
    collectiveIncomeFen: a.collectiveIncomeFen,
    fundsInFen,
    fundsBySource,
    socialDonationShare: fundsBySource.social_donation.share,
    spendingFen: a.spendingFen,
    costOfRedemptionsFen: a.costOfRedemptionsFen,
    pointsIssued: a.pointsIssued,
    pointsDeducted: a.pointsDeducted,
    pointsRedeemed: a.pointsRedeemed,
    pointsExpired: a.pointsExpired,
    pointsOutstanding: a.pointsOutstanding,
    redemptionRate: ratio(a.pointsRedeemed, a.pointsIssued),
    costPerRedeemedPointFen: ratio(a.costOfRedemptionsFen, a.pointsRedeemed, 2),
    spendingShareOfCollectiveIncome: ratio(a.spendingFen, a.collectiveIncomeFen),
    residents: a.residents,
    participants: a.participants,
    participationRate: ratio(a.participants, a.residents),
    aaaHouseholds: a.aaaHouseholds,
    deferredBillsOutstanding: a.deferredBillsOutstanding,
    deferredBillsOutstandingFen: a.deferredBillsOutstandingFen,
    deferredBillsOverdue: a.deferredBillsOverdue,
    deferredBillsOverdueFen: a.deferredBillsOverdueFen,
  };
}

export function communityFigures(a: CommunityAmounts): CommunityFigures {
  return { regionId: a.regionId, name: a.name, kind: a.kind, ...figuresOf(a) };
}

/**
 * The region's totals: amounts are summed and the shares computed again from the sums (never an
 * average of shares). Spending against collective income counts only communities that report an
 * income, so a community without one does not dilute the share.
 */
export function totalsOf(list: CommunityAmounts[]): ReportFigures {
  const total = (k: keyof CommunityAmounts) => sum(list.map((c) => Number(c[k] ?? 0)));
  const optional = (k: 'population' | 'households' | 'collectiveIncomeFen') => {
    const xs = list.map((c) => c[k]).filter((v): v is number => v !== null);
    return xs.length ? sum(xs) : null;
  };
  const withIncome = list.filter((c) => c.collectiveIncomeFen);
  const figures = figuresOf({
    population: optional('population'),
    households: optional('households'),
    collectiveIncomeFen: optional('collectiveIncomeFen'),
    fundsBySourceFen: Object.fromEntries(
      FUNDING_SOURCES.map((s) => [s, sum(list.map((c) => c.fundsBySourceFen[s] ?? 0))]),
    ),
    spendingFen: total('spendingFen'),
    costOfRedemptionsFen: total('costOfRedemptionsFen'),
    pointsIssued: total('pointsIssued'),
    pointsDeducted: total('pointsDeducted'),
    pointsRedeemed: total('pointsRedeemed'),
    pointsExpired: total('pointsExpired'),
    pointsOutstanding: total('pointsOutstanding'),
    residents: total('residents'),
    participants: total('participants'),
    aaaHouseholds: total('aaaHouseholds'),
    deferredBillsOutstanding: total('deferredBillsOutstanding'),
    deferredBillsOutstandingFen: total('deferredBillsOutstandingFen'),
    deferredBillsOverdue: total('deferredBillsOverdue'),
    deferredBillsOverdueFen: total('deferredBillsOverdueFen'),
  });
  figures.spendingShareOfCollectiveIncome = ratio(
    sum(withIncome.map((c) => c.spendingFen)),
    sum(withIncome.map((c) => c.collectiveIncomeFen ?? 0)),
  );
  return figures;
}
