import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CreditService } from '../earning/credit.service';
import { earningYearOf, yearRange } from '../earning/earning-period';
import { RegionEntity } from '../regions/entities/region.entity';
import { FUNDING_CODES, FUNDING_SOURCES, MONEY, type FundingSource } from './funding.types';
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

interface AccountRow {
  id: string;
  ledger: string;
  kind: string;
  owner_id: string;
  sub: string;
}

type Num = string | number | null;
const n = (v: Num | undefined): number => Number(v ?? 0);
const placeholders = (xs: unknown[]) => xs.map(() => '?').join(', ');

/**
 * Reads a report's amounts for every community below a region, for [from, to). Every amount comes
 * from the ledger (transfers by code and account kind, joined to the community's accounts) and the
 * orders, never from counters kept elsewhere:
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
 *   `to` and unpaid now (overdue: marked overdue, or due and unpaid), when the entitlements
 *   module's table exists.
 *
 * Runs on the caller's EntityManager: the builder gives it a REPEATABLE READ transaction so that
 * all the queries read one snapshot.
 */
@Injectable()
export class ReportFiguresService {
  constructor(private readonly credit: CreditService) {}

  async compute(em: EntityManager, region: RegionEntity, from: Date, to: Date): Promise<ComputedReport> {
    const communities: Array<{ id: string; name: string; kind: string }> = await em.query(
      `SELECT id, name, kind FROM regions
        WHERE kind IN ('community', 'village') AND (id = ? OR path LIKE ?) ORDER BY name, id`,
      [region.id, `${region.path}%`],
    );
    const amounts = await this.amounts(em, communities, from, to);
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
    em: EntityManager,
    communities: Array<{ id: string; name: string; kind: string }>,
    from: Date,
    to: Date,
  ): Promise<CommunityAmounts[]> {
    const out = new Map<string, CommunityAmounts>(communities.map((c) => [c.id, emptyAmounts(c)]));
    const ids = [...out.keys()];
    if (!ids.length) return [];
    const accounts: AccountRow[] = await em.query(
      `SELECT id, ledger, kind, owner_id, sub FROM accounts
        WHERE owner_type = 'region' AND owner_id IN (${placeholders(ids)})`,
      ids,
    );
    const byId = new Map(accounts.map((a) => [a.id, a]));
    const ofKind = (...kinds: string[]) => accounts.filter((a) => kinds.includes(a.kind)).map((a) => a.id);

    await this.profiles(em, ids, out);
    await this.money(em, ofKind('funding_source', 'community_fund', 'inventory'), byId, from, to, out);
    const cumulative = new Map<string, number>();
    await this.points(
      em,
      ids,
      ofKind('issuance'),
      ofKind('deduction_sink', 'expiry_sink'),
      byId,
      from,
      to,
      out,
      cumulative,
    );
    for (const [id, c] of out) c.pointsOutstanding = cumulative.get(id) ?? 0;
    await this.deferredBills(em, ids, to, out);
    return [...out.values()];
  }

  private async profiles(em: EntityManager, ids: string[], out: Map<string, CommunityAmounts>) {
    const rows: Array<{ region_id: string; population: Num; households: Num; collective_income_fen: Num }> =
      await em.query(
        `SELECT region_id, population, households, collective_income_fen FROM community_profiles
          WHERE region_id IN (${placeholders(ids)})`,
        ids,
      );
    for (const r of rows) {
      const c = out.get(r.region_id)!;
      c.population = r.population === null ? null : n(r.population);
      c.households = r.households === null ? null : n(r.households);
      c.collectiveIncomeFen = r.collective_income_fen === null ? null : n(r.collective_income_fen);
    }
  }

  /**
   * The transfers that debit the communities' money accounts, grouped: donations by when they were
   * received (`donations.received_at`, so a donation recorded late counts in the period it came
   * in), everything else by when it was booked.
   */
  private async money(
    em: EntityManager,
    debitIds: string[],
    byId: Map<string, AccountRow>,
    from: Date,
    to: Date,
    out: Map<string, CommunityAmounts>,
  ) {
    if (!debitIds.length) return;
    type MoneyRow = { debit_account_id: string; credit_account_id: string; code: string; amount: Num };
    const booked: MoneyRow[] = await em.query(
      `SELECT debit_account_id, credit_account_id, code, SUM(amount) AS amount FROM transfers
        WHERE debit_account_id IN (${placeholders(debitIds)}) AND ledger = ? AND phase IN ('single', 'post')
          AND code <> ? AND created_at >= ? AND created_at < ?
        GROUP BY debit_account_id, credit_account_id, code`,
      [...debitIds, MONEY, FUNDING_CODES.donation, from, to],
    );
    const communityIds = [...out.keys()];
    const received: MoneyRow[] = await em.query(
      `SELECT t.debit_account_id, t.credit_account_id, t.code, SUM(t.amount) AS amount
         FROM donations d JOIN transfers t ON t.ref_type = 'donation' AND t.ref_id = d.id
        WHERE d.community_id IN (${placeholders(communityIds)}) AND d.received_at >= ? AND d.received_at < ?
          AND t.code = ? AND t.ledger = ? AND t.phase IN ('single', 'post')
        GROUP BY t.debit_account_id, t.credit_account_id, t.code`,
      [...communityIds, from, to, FUNDING_CODES.donation, MONEY],
    );
    const rows = [...booked, ...received];
    for (const r of rows) {
      const debit = byId.get(r.debit_account_id)!;
      const credit = byId.get(r.credit_account_id);
      const c = out.get(debit.owner_id)!;
      if (debit.kind === 'funding_source' && r.code === FUNDING_CODES.donation) {
        const source = debit.sub as FundingSource;
        if (FUNDING_SOURCES.includes(source))
          c.fundsBySourceFen[source] = (c.fundsBySourceFen[source] ?? 0) + n(r.amount);
      } else if (debit.kind === 'community_fund') {
        c.spendingFen += n(r.amount);
      } else if (debit.kind === 'inventory' && credit?.kind === 'cost_of_redemptions') {
        c.costOfRedemptionsFen += n(r.amount);
      }
    }
  }

  /**
   * Issued, deducted and expired points, participation and AAA households, in one grouped pass over
   * the issuance accounts' transfers and one over the sinks' (by account and wallet), then the
   * wallets' residents. Windows: the period [from, to); all time before `to` (outstanding); the
   * earning year up to `to` (AAA, as CreditService counts it: awards + base grants − deductions).
   */
  private async points(
    em: EntityManager,
    ids: string[],
    issuanceIds: string[],
    sinkIds: string[],
    byId: Map<string, AccountRow>,
    from: Date,
    to: Date,
    out: Map<string, CommunityAmounts>,
    cumulative: Map<string, number>,
  ) {
    const add = (id: string, v: number) => cumulative.set(id, (cumulative.get(id) ?? 0) + v);
    const yearFrom = yearRange(earningYearOf(new Date(to.getTime() - 1))).from;
    type FlowRow = { side: string; wallet: string; period: Num; total: Num; year: Num; awards: Num };
    const issued: FlowRow[] = issuanceIds.length
      ? await em.query(
          `SELECT debit_account_id AS side, credit_account_id AS wallet,
                  SUM(CASE WHEN created_at >= ? THEN amount ELSE 0 END) AS period,
                  SUM(amount) AS total,
                  SUM(CASE WHEN created_at >= ? THEN amount ELSE 0 END) AS year,
                  SUM(CASE WHEN code = 'award' AND created_at >= ? THEN 1 ELSE 0 END) AS awards
             FROM transfers
            WHERE debit_account_id IN (${placeholders(issuanceIds)}) AND code IN ('award', 'base_grant')
              AND phase = 'single' AND created_at < ?
            GROUP BY debit_account_id, credit_account_id`,
          [from, yearFrom, from, ...issuanceIds, to],
        )
      : [];
    const sunk: FlowRow[] = sinkIds.length
      ? await em.query(
          `SELECT credit_account_id AS side, debit_account_id AS wallet,
                  SUM(CASE WHEN created_at >= ? THEN amount ELSE 0 END) AS period,
                  SUM(amount) AS total,
                  SUM(CASE WHEN code = 'deduction' AND created_at >= ? THEN amount ELSE 0 END) AS year,
                  0 AS awards
             FROM transfers
            WHERE credit_account_id IN (${placeholders(sinkIds)}) AND phase IN ('single', 'post') AND created_at < ?
            GROUP BY credit_account_id, debit_account_id`,
          [from, yearFrom, ...sinkIds, to],
        )
      : [];
    // Whose wallets: residents (registered and active now) of which community, in which household.
    const wallets = [...new Set([...issued, ...sunk].map((r) => r.wallet))];
    const owner = new Map<string, { userId: string; regionId: string; household: string }>();
    for (let i = 0; i < wallets.length; i += 5_000) {
      const chunk = wallets.slice(i, i + 5_000);
      const rows: Array<{ wallet: string; user_id: string; region_id: string; household: string }> =
        await em.query(
          `SELECT w.id AS wallet, u.id AS user_id, u.region_id, COALESCE(u.household_no, u.id) AS household
           FROM accounts w JOIN users u ON u.id = w.owner_id
          WHERE w.id IN (${placeholders(chunk)}) AND w.kind = 'wallet' AND w.owner_type = 'user'
            AND u.active = 1 AND FIND_IN_SET('resident', u.roles)`,
          chunk,
        );
      for (const r of rows)
        owner.set(r.wallet, { userId: r.user_id, regionId: r.region_id, household: r.household });
    }
    const earned = new Map<string, { community: string; household: string; points: number }>();
    const earn = (community: string, wallet: string, points: number) => {
      const o = owner.get(wallet);
      if (!o || o.regionId !== community) return; // a resident of another community, or no longer a resident
      const e = earned.get(o.userId) ?? { community, household: o.household, points: 0 };
      e.points += points;
      earned.set(o.userId, e);
    };
    const participants = new Map<string, Set<string>>();
    for (const r of issued) {
      const community = byId.get(r.side)!.owner_id;
      out.get(community)!.pointsIssued += n(r.period);
      add(community, n(r.total));
      earn(community, r.wallet, n(r.year));
      const o = owner.get(r.wallet);
      if (n(r.awards) > 0 && o?.regionId === community) {
        const set = participants.get(community) ?? new Set<string>();
        set.add(o.userId);
        participants.set(community, set);
      }
    }
    for (const r of sunk) {
      const sink = byId.get(r.side)!;
      const c = out.get(sink.owner_id)!;
      if (sink.kind === 'deduction_sink') {
        c.pointsDeducted += n(r.period);
        earn(sink.owner_id, r.wallet, -n(r.year));
      } else c.pointsExpired += n(r.period);
      add(sink.owner_id, -n(r.total));
    }
    for (const [community, set] of participants) out.get(community)!.participants = set.size;

    // Points redeemed: orders redeemed at the counter, by the community the resident ordered from.
    // The capture posts the order's whole hold (code `redeem`) in the transaction that marks it
    // redeemed, so this is the ledger's figure; read from the orders, it is one narrow scan instead
    // of a row lookup per posted transfer.
    const redeemed: Array<{ community_id: string; period: Num; total: Num }> = await em.query(
      `SELECT community_id, SUM(CASE WHEN redeemed_at >= ? THEN total_points ELSE 0 END) AS period,
              SUM(total_points) AS total
         FROM orders
        WHERE status = 'redeemed' AND redeemed_at < ? AND community_id IN (${placeholders(ids)})
        GROUP BY community_id`,
      [from, to, ...ids],
    );
    for (const r of redeemed) {
      out.get(r.community_id)!.pointsRedeemed += n(r.period);
      add(r.community_id, -n(r.total));
    }

    const residents: Array<{ region_id: string; n: Num }> = await em.query(
      `SELECT region_id, COUNT(*) AS n FROM users
        WHERE region_id IN (${placeholders(ids)}) AND FIND_IN_SET('resident', roles) AND active = 1
        GROUP BY region_id`,
      ids,
    );
    for (const r of residents) out.get(r.region_id)!.residents = n(r.n);

    const aaa = new Map<string, Set<string>>();
    const thresholds = new Map<string, number>();
    for (const e of earned.values()) {
      if (!thresholds.has(e.community))
        thresholds.set(e.community, (await this.credit.thresholdsFor(e.community)).aaa);
      if (e.points < thresholds.get(e.community)!) continue;
      const set = aaa.get(e.community) ?? new Set<string>();
      set.add(e.household);
      aaa.set(e.community, set);
    }
    for (const [community, set] of aaa) out.get(community)!.aaaHouseholds = set.size;
  }

  /** Deferred hospital bills (treat first, pay later) of the entitlements module, if it is installed. */
  private async deferredBills(
    em: EntityManager,
    ids: string[],
    to: Date,
    out: Map<string, CommunityAmounts>,
  ) {
    const [present] = await em.query(
      `SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'entitlement_uses'`,
    );
    if (!n(present?.n)) return;
    const rows: Array<{
      community_id: string;
      outstanding: Num;
      outstanding_fen: Num;
      overdue: Num;
      overdue_fen: Num;
    }> = await em.query(
      `SELECT community_id,
                COUNT(*) AS outstanding, SUM(COALESCE(amount_fen, 0)) AS outstanding_fen,
                SUM(CASE WHEN status = 'overdue' OR (due_at IS NOT NULL AND due_at <= CURRENT_TIMESTAMP(3)) THEN 1 ELSE 0 END) AS overdue,
                SUM(CASE WHEN status = 'overdue' OR (due_at IS NOT NULL AND due_at <= CURRENT_TIMESTAMP(3)) THEN COALESCE(amount_fen, 0) ELSE 0 END) AS overdue_fen
           FROM entitlement_uses
          WHERE community_id IN (${placeholders(ids)}) AND kind = 'treat_first_pay_later'
            AND status IN ('outstanding', 'overdue') AND created_at < ?
          GROUP BY community_id`,
      [...ids, to],
    );
    for (const r of rows) {
      const c = out.get(r.community_id)!;
      c.deferredBillsOutstanding = n(r.outstanding);
      c.deferredBillsOutstandingFen = n(r.outstanding_fen);
      c.deferredBillsOverdue = n(r.overdue);
      c.deferredBillsOverdueFen = n(r.overdue_fen);
    }
  }
}
