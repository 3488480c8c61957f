import type { EntityManager } from 'typeorm';
import type { CreditLevel, LimitPeriod, ListingKind } from '../../catalog/catalog-rules';
import { Tally, upsertRow, type SeedStep } from './context';
import { demoId } from './demo-ids';
import { DEMO, type OrganizationKey, type RegionKey } from './world';

export interface DemoListing {
  key: string;
  kind: ListingKind;
  title: string;
  description: string;
  pointsPrice: number;
  /** Initial stock (null = unlimited); a second run leaves the current stock alone. */
  stock: number | null;
  limit?: { count: number; period: LimitPeriod };
  eligibility?: { minCreditLevel?: CreditLevel; minAge?: number };
  provider: OrganizationKey;
  scope: RegionKey;
  redeemWithinDays: number;
  unitCostFen?: number;
  createdBy: string;
}

/**
 * The points mall of the report (docs/domain.md): daily necessities (柴米油盐) at 桃花园社区's own
 * supermarket, a cultural pillow valid city-wide (市域互认), hospital services, a canteen meal, an
 * honour, and salt at 里仁村 in another city (invisible from 蚌埠市).
 */
export const LISTINGS: readonly DemoListing[] = [
  {
    key: 'rice',
    kind: 'goods',
    title: '大米 5kg',
    description: '东北大米,每袋 5 公斤。桃花园社区积分超市柜台领取。',
    pointsPrice: 50,
    stock: 40,
    limit: { count: 1, period: 'month' },
    provider: 'taohuayuanCommittee',
    scope: 'taohuayuan',
    redeemWithinDays: 30,
    unitCostFen: 3_500,
    createdBy: 'demo.community_admin',
  },
  {
    key: 'oil',
    kind: 'goods',
    title: '食用油 5L',
    description: '非转基因大豆油 5 升,小蚌埠镇各社区居民均可兑换。',
    pointsPrice: 80,
    stock: 30,
    limit: { count: 1, period: 'month' },
    provider: 'taohuayuanCommittee',
    scope: 'xiaobengbu',
    redeemWithinDays: 30,
    unitCostFen: 6_000,
    createdBy: 'demo.community_admin',
  },
  {
    key: 'pillow',
    kind: 'goods',
    title: '文创抱枕',
    description: '社区文创抱枕,全市通兑(市域互认),惠民超市捐赠。',
    pointsPrice: 120,
    stock: 20,
    limit: { count: 1, period: 'year' },
    provider: 'huimin',
    scope: 'bengbu',
    redeemWithinDays: 60,
    unitCostFen: 8_000,
    createdBy: 'demo.merchant_staff',
  },
  {
    key: 'checkup',
    kind: 'service',
    title: '免费体检',
    description: '蚌埠市第一人民医院基础健康体检一次(血常规、心电图、B 超),凭积分预约。',
    pointsPrice: 150,
    stock: 100,
    limit: { count: 1, period: 'year' },
    provider: 'hospital',
    scope: 'bengbu',
    redeemWithinDays: 90,
    unitCostFen: 20_000,
    createdBy: 'demo.hospital_staff',
  },
  {
    key: 'escort',
    kind: 'service',
    title: '陪护就医',
    description: '志愿者陪同老人到医院挂号、就诊、取药,每次半天。',
    pointsPrice: 60,
    stock: null,
    limit: { count: 2, period: 'month' },
    eligibility: { minAge: 60 },
    provider: 'hospital',
    scope: 'bengbu',
    redeemWithinDays: 30,
    createdBy: 'demo.hospital_staff',
  },
  {
    key: 'medicine',
    kind: 'service',
    title: '代购药品',
    description: '网格员代为到药店购买常用药品并送药上门(药费自理)。',
    pointsPrice: 20,
    stock: null,
    limit: { count: 4, period: 'month' },
    eligibility: { minAge: 60 },
    provider: 'taohuayuanCommittee',
    scope: 'taohuayuan',
    redeemWithinDays: 14,
    createdBy: 'demo.community_staff',
  },
  {
    key: 'meal',
    kind: 'perk',
    title: '老年食堂爱心餐',
    description: '桃花园社区老年食堂午餐一份(两荤一素一汤)。',
    pointsPrice: 10,
    stock: null,
    limit: { count: 1, period: 'day' },
    eligibility: { minAge: 60 },
    provider: 'canteen',
    scope: 'taohuayuan',
    redeemWithinDays: 7,
    unitCostFen: 1_200,
    createdBy: 'demo.canteen_staff',
  },
  {
    key: 'honor',
    kind: 'honor',
    title: '文明家庭荣誉证书',
    description: '由社区颁发的“文明家庭”荣誉证书,AAA 级信用户可兑换,并参评社区各类荣誉。',
    pointsPrice: 200,
    stock: 10,
    limit: { count: 1, period: 'year' },
    eligibility: { minCreditLevel: 'AAA' },
    provider: 'taohuayuanCommittee',
    scope: 'taohuayuan',
    redeemWithinDays: 60,
    createdBy: 'demo.community_admin',
  },
  {
    key: 'salt',
    kind: 'goods',
    title: '食盐 500g',
    description: '里仁村积分超市:加碘食盐两袋。',
    pointsPrice: 5,
    stock: 200,
    provider: 'lirenCommittee',
    scope: 'liren',
    redeemWithinDays: 30,
    unitCostFen: 300,
    createdBy: 'demo.village_admin',
  },
];

/** Stable listing ids: `DEMO_LISTINGS.rice`. */
export const DEMO_LISTINGS: Record<string, string> = Object.fromEntries(
  LISTINGS.map((l) => [l.key, demoId(`listing:${l.key}`)]),
);

async function scopePath(em: EntityManager, regionId: string): Promise<string> {
  const rows: Array<{ path: string }> = await em.query('SELECT path FROM regions WHERE id = ?', [regionId]);
  if (!rows.length) throw new Error(`no region ${regionId} (did the regions step run?)`);
  return rows[0].path;
}

/**
 * Writes the demo listings with stable ids. The definition is brought back to the seed's values; the
 * stock is written only when the listing is created (orders may have taken some since).
 */
export const catalogStep: SeedStep = {
  name: 'catalog',
  run: (ctx) =>
    ctx.tx.run(async (em) => {
      const tally = new Tally();
      for (const l of LISTINGS) {
        const id = DEMO_LISTINGS[l.key];
        const exists = (await em.query('SELECT 1 AS x FROM listings WHERE id = ?', [id])).length > 0;
        tally.add(
          await upsertRow(em, 'listings', {
            id,
            kind: l.kind,
            title: l.title,
            description: l.description,
            points_price: l.pointsPrice,
            ...(exists ? {} : { stock: l.stock }),
            limit_count: l.limit?.count ?? null,
            limit_period: l.limit?.period ?? null,
            min_credit_level: l.eligibility?.minCreditLevel ?? null,
            min_age: l.eligibility?.minAge ?? null,
            valid_from: null,
            valid_until: null,
            redeem_within_days: l.redeemWithinDays,
            image_url: null,
            unit_cost_fen: l.unitCostFen ?? null,
            donation_id: null,
            status: 'published',
            provider_organization_id: DEMO.organizations[l.provider],
            scope_region_id: DEMO.regions[l.scope],
            scope_path: await scopePath(em, DEMO.regions[l.scope]),
            created_by: DEMO.users[l.createdBy],
          }),
        );
      }
      return tally.toString();
    }),
};
