import type { Actor } from '../../common/actor';
import { earningYearOf, yearRange } from '../../earning/earning-period';
import { CreateDonationDto, CreateExpenseDto } from '../../funding/dto/funding.dto';
import { FundingReportsService } from '../../funding/funding-reports.service';
import { FundingService } from '../../funding/funding.service';
import { ReportBuilderService } from '../../funding/report-builder.service';
import { DEMO_LISTINGS } from './catalog.step';
import { Tally, type DemoContext, type SeedStep } from './context';
import { DEMO, type RegionKey } from './world';

type DemoDonation = { key: string; by: string } & Omit<CreateDonationDto, 'receivedAt' | 'communityId'> & {
    community: RegionKey;
  };
type DemoExpense = { key: string; by: string; community: RegionKey } & CreateExpenseDto;

const yuan = (y: number) => Math.round(y * 100);

/**
 * 桃花园社区 (domain.md: 10,000 yuan for its points system, 60% from social donations): a social
 * donation, its community charity fund (桃花园社区慈善基金) and 惠民超市's in-kind pillows; 里仁村: money
 * from the collective economy.
 */
export const DONATIONS: readonly DemoDonation[] = [
  {
    key: 'thy-social',
    by: 'demo.community_staff',
    community: 'taohuayuan',
    donor: { name: '爱心人士 王先生' },
    source: 'social_donation',
    kind: 'cash',
    amountFen: yuan(6_000),
    note: '积分超市奖品专项捐赠',
  },
  {
    key: 'thy-charity',
    by: 'demo.community_staff',
    community: 'taohuayuan',
    donor: { organizationId: DEMO.organizations.charity },
    source: 'charity_fund',
    kind: 'cash',
    amountFen: yuan(2_400),
    note: '桃花园社区慈善基金年度拨付',
  },
  {
    key: 'thy-pillows',
    by: 'demo.community_staff',
    community: 'taohuayuan',
    donor: { organizationId: DEMO.organizations.huimin },
    source: 'merchant',
    kind: 'in_kind',
    items: [{ listingId: DEMO_LISTINGS.pillow, quantity: 20, unitValueFen: yuan(80) }],
    note: '惠民超市捐赠文创抱枕 20 个',
  },
  {
    key: 'liren-collective',
    by: 'demo.village_admin',
    community: 'liren',
    donor: { name: '里仁村股份经济合作社' },
    source: 'collective_economy',
    kind: 'cash',
    amountFen: yuan(270_000),
    note: '村集体经济收益列支积分制经费',
  },
];

/** 桃花园 stocks rice and buys prizes; 里仁村 spends 260,000 yuan (≈16% of its 1.63 million). */
export const EXPENSES: readonly DemoExpense[] = [
  {
    key: 'thy-rice',
    by: 'demo.community_staff',
    community: 'taohuayuan',
    amountFen: yuan(1_400),
    purpose: '采购东北大米 40 袋(积分超市)',
    listingId: DEMO_LISTINGS.rice,
    quantity: 40,
  },
  {
    key: 'thy-prizes',
    by: 'demo.community_staff',
    community: 'taohuayuan',
    amountFen: yuan(800),
    purpose: '积分活动奖品及宣传物料',
  },
  {
    key: 'liren-salt',
    by: 'demo.village_admin',
    community: 'liren',
    amountFen: yuan(6_000),
    purpose: '采购加碘食盐 2,000 袋(积分超市)',
    listingId: DEMO_LISTINGS.salt,
    quantity: 2_000,
  },
  {
    key: 'liren-goods',
    by: 'demo.village_admin',
    community: 'liren',
    amountFen: yuan(254_000),
    purpose: '积分兑换商品及服务',
  },
];

/** A report of this year for each, built at once (the seed runs no workers) and submitted. */
export const REPORTS: ReadonlyArray<{ key: string; by: string; region: RegionKey }> = [
  { key: 'thy', by: 'demo.community_admin', region: 'taohuayuan' },
  { key: 'liren', by: 'demo.village_admin', region: 'liren' },
];

async function keyUsed(ctx: DemoContext, scope: string, key: string): Promise<boolean> {
  const rows = await ctx.db.query('SELECT 1 AS x FROM idempotency_keys WHERE scope = ? AND idem_key = ?', [
    scope,
    key,
  ]);
  return rows.length > 0;
}

/**
 * Donations, expenses and a submitted funding report per community, through the funding services
 * with an Idempotency-Key per item and year: a key already used is skipped, so a second run records
 * nothing new (and the donations keep the time they were first recorded).
 */
export const fundingStep: SeedStep = {
  name: 'funding',
  run: async (ctx) => {
    const tally = new Tally();
    const funding = ctx.get(FundingService);
    const reports = ctx.get(FundingReportsService);
    const year = earningYearOf();
    const actor = (u: string): Promise<Actor> => ctx.actor(u);
    for (const { key, by, community, ...d } of DONATIONS) {
      const a = await actor(by);
      const k = `demo-${year}-donation-${key}`;
      if (await keyUsed(ctx, `donations:${a.id}`, k)) {
        tally.add('unchanged');
        continue;
      }
      await funding.donate(
        a,
        { ...d, communityId: DEMO.regions[community], receivedAt: new Date().toISOString() },
        k,
      );
      tally.add('created');
    }
    for (const { key, by, community, ...e } of EXPENSES) {
      const a = await actor(by);
      const k = `demo-${year}-expense-${key}`;
      if (await keyUsed(ctx, `expenses:${a.id}`, k)) {
        tally.add('unchanged');
        continue;
      }
      await funding.spend(a, DEMO.regions[community], e, k);
      tally.add('created');
    }
    const period = yearRange(year);
    for (const r of REPORTS) {
      const a = await actor(r.by);
      const k = `demo-${year}-report-${r.key}`;
      const fresh = !(await keyUsed(ctx, `funding-reports:${a.id}`, k));
      const body = {
        regionId: DEMO.regions[r.region],
        from: period.from.toISOString(),
        to: period.to.toISOString(),
      };
      let report = await reports.request(a, body, k);
      if (report.status !== 'ready') {
        await ctx.get(ReportBuilderService).build(report.id, report.latestVersion);
        report = await reports.get(a, report.id);
      }
      if (report.reviewStatus === 'draft') await reports.submit(a, report.id, { comment: '请街道审核' });
      tally.add(fresh ? 'created' : 'unchanged');
    }
    return tally.toString();
  },
};
