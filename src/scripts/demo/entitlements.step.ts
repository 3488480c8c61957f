import type { EntityManager } from 'typeorm';
import type { CreditLevel } from '../../earning/credit-levels';
import { earningYearOf } from '../../earning/earning-period';
import type { EntitlementKind } from '../../entitlements/entitlement-rules';
import { Tally, type SeedStep, type UpsertOutcome } from './context';
import { demoId } from './demo-ids';
import { DEMO, type RegionKey } from './world';

interface DemoPolicy {
  region: RegionKey;
  kind: EntitlementKind;
  minCreditLevel: CreditLevel;
  yearlyQuota?: number;
  maxOutstandingFen?: number;
  discountPercent?: number;
  overdueAfterDays?: number;
}

/**
 * 蚌埠市's policies (the report: AAA households get 10 free canteen meals a year and, at city hospitals,
 * treat first pay later, deposit waivers and check-up discounts), and one street that is more generous
 * with check-ups (小蚌埠镇: AA and up, 30% off), to show inheritance.
 */
export const POLICIES: readonly DemoPolicy[] = [
  { region: 'bengbu', kind: 'canteen_meal', minCreditLevel: 'AAA', yearlyQuota: 10 },
  {
    region: 'bengbu',
    kind: 'treat_first_pay_later',
    minCreditLevel: 'AAA',
    maxOutstandingFen: 300_000,
    overdueAfterDays: 30,
  },
  { region: 'bengbu', kind: 'deposit_waiver', minCreditLevel: 'AAA' },
  { region: 'bengbu', kind: 'checkup_discount', minCreditLevel: 'AAA', discountPercent: 20 },
  { region: 'xiaobengbu', kind: 'checkup_discount', minCreditLevel: 'AA', discountPercent: 30 },
];

interface DemoUse {
  key: string;
  kind: EntitlementKind;
  resident: string;
  at: 'canteen' | 'hospital';
  daysAgo: number;
  amountFen?: number;
  /** Deferred bills: settled so many days ago, or overdue (past 30 days and unpaid), else outstanding. */
  settledDaysAgo?: number;
}

/** The canteen's meals and the hospital's perks; three deferred bills: settled, outstanding, overdue. */
export const USES: readonly DemoUse[] = [
  { key: 'meal-1', kind: 'canteen_meal', resident: 'demo.resident', at: 'canteen', daysAgo: 6 },
  { key: 'meal-2', kind: 'canteen_meal', resident: 'demo.resident', at: 'canteen', daysAgo: 3 },
  { key: 'meal-3', kind: 'canteen_meal', resident: 'wang.jianguo', at: 'canteen', daysAgo: 3 },
  { key: 'meal-4', kind: 'canteen_meal', resident: 'zhao.yuzhen', at: 'canteen', daysAgo: 1 },
  {
    key: 'waiver-1',
    kind: 'deposit_waiver',
    resident: 'demo.resident',
    at: 'hospital',
    daysAgo: 12,
    amountFen: 200_000,
  },
  {
    key: 'checkup-1',
    kind: 'checkup_discount',
    resident: 'wang.jianguo',
    at: 'hospital',
    daysAgo: 9,
    amountFen: 30_000,
  },
  {
    key: 'bill-settled',
    kind: 'treat_first_pay_later',
    resident: 'li.guifang',
    at: 'hospital',
    daysAgo: 50,
    amountFen: 45_000,
    settledDaysAgo: 21,
  },
  {
    key: 'bill-outstanding',
    kind: 'treat_first_pay_later',
    resident: 'zhao.yuzhen',
    at: 'hospital',
    daysAgo: 5,
    amountFen: 86_000,
  },
  {
    key: 'bill-overdue',
    kind: 'treat_first_pay_later',
    resident: 'zhu.baolin',
    at: 'hospital',
    daysAgo: 40,
    amountFen: 128_000,
  },
];

const OVERDUE_AFTER_DAYS = 30;

async function upsertPolicy(em: EntityManager, p: DemoPolicy): Promise<UpsertOutcome> {
  const values = [
    p.minCreditLevel,
    p.yearlyQuota ?? null,
    p.maxOutstandingFen ?? null,
    p.discountPercent ?? null,
    p.overdueAfterDays ?? null,
  ];
  const key = [DEMO.regions[p.region], p.kind];
  const found: unknown[] = await em.query(
    'SELECT 1 AS x FROM entitlement_policies WHERE region_id = ? AND kind = ?',
    key,
  );
  if (!found.length) {
    await em.query(
      `INSERT INTO entitlement_policies (region_id, kind, min_credit_level, yearly_quota, max_outstanding_fen,
         discount_percent, overdue_after_days, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [...key, ...values, DEMO.users['demo.city_admin']],
    );
    return 'created';
  }
  const res = (await em.query(
    `UPDATE entitlement_policies SET min_credit_level = ?, yearly_quota = ?, max_outstanding_fen = ?,
       discount_percent = ?, overdue_after_days = ? WHERE region_id = ? AND kind = ?`,
    [...values, ...key],
  )) as { changedRows?: number };
  return (res.changedRows ?? 0) > 0 ? 'updated' : 'unchanged';
}

/**
 * Writes a use once, with its effect on the yearly counter and the resident's deferred balance in
 * the same transaction. An existing use is left alone: the hospital may have settled the bill since.
 */
async function insertUse(em: EntityManager, u: DemoUse): Promise<UpsertOutcome> {
  const id = demoId(`entitlement-use:${u.key}`);
  if ((await em.query('SELECT 1 AS x FROM entitlement_uses WHERE id = ?', [id])).length) return 'unchanged';
  const residentId = DEMO.users[u.resident];
  const [community]: Array<{ id: string; path: string }> = await em.query(
    'SELECT r.id, r.path FROM users u JOIN regions r ON r.id = u.region_id WHERE u.id = ?',
    [residentId],
  );
  if (!community) throw new Error(`no resident ${u.resident} (did the residents step run?)`);
  const deferred = u.kind === 'treat_first_pay_later';
  const overdue = deferred && u.settledDaysAgo === undefined && u.daysAgo > OVERDUE_AFTER_DAYS;
  const status = !deferred
    ? 'recorded'
    : u.settledDaysAgo !== undefined
      ? 'settled'
      : overdue
        ? 'overdue'
        : 'outstanding';
  const year = earningYearOf(new Date(Date.now() - u.daysAgo * 86_400_000));
  const staff = DEMO.users[u.at === 'canteen' ? 'demo.canteen_staff' : 'demo.hospital_staff'];
  await em.query(
    `INSERT INTO entitlement_uses (id, kind, status, resident_id, community_id, region_path, organization_id,
       recorded_by, period_year, credit_level, policy_region_id, amount_fen, discount_percent, due_at, overdue_at,
       settled_at, settled_by, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'AAA', ?, ?, ?,
       IF(?, DATE_SUB(CURRENT_TIMESTAMP(3), INTERVAL ? DAY), NULL),
       IF(?, DATE_SUB(CURRENT_TIMESTAMP(3), INTERVAL ? DAY), NULL),
       IF(?, DATE_SUB(CURRENT_TIMESTAMP(3), INTERVAL ? DAY), NULL), ?,
       DATE_SUB(CURRENT_TIMESTAMP(3), INTERVAL ? DAY))`,
    [
      id,
      u.kind,
      status,
      residentId,
      community.id,
      community.path,
      DEMO.organizations[u.at],
      staff,
      year,
      DEMO.regions[u.kind === 'checkup_discount' ? 'xiaobengbu' : 'bengbu'],
      u.amountFen ?? null,
      u.kind === 'checkup_discount' ? 30 : null,
      deferred,
      u.daysAgo - OVERDUE_AFTER_DAYS,
      overdue,
      u.daysAgo - OVERDUE_AFTER_DAYS,
      u.settledDaysAgo !== undefined,
      u.settledDaysAgo ?? 0,
      u.settledDaysAgo !== undefined ? staff : null,
      u.daysAgo,
    ],
  );
  if (u.kind === 'canteen_meal') {
    await em.query(
      `INSERT INTO entitlement_counters (resident_id, kind, period_year, used) VALUES (?, ?, ?, 1)
       ON DUPLICATE KEY UPDATE used = used + 1`,
      [residentId, u.kind, year],
    );
  }
  if (deferred && status !== 'settled') {
    await em.query(
      `INSERT INTO entitlement_balances (resident_id, outstanding_fen, overdue_count) VALUES (?, ?, ?)
       ON DUPLICATE KEY UPDATE outstanding_fen = outstanding_fen + VALUES(outstanding_fen),
         overdue_count = overdue_count + VALUES(overdue_count)`,
      [residentId, u.amountFen, overdue ? 1 : 0],
    );
  }
  return 'created';
}

/**
 * Entitlement policies of 蚌埠市 and uses at 蚌埠市第一人民医院 and 桃花园社区老年食堂, with one overdue
 * deferred bill (朱宝林, so his treat first, pay later is suspended). Idempotent: stable ids.
 * (桃花园社区's check-up discount comes from 小蚌埠镇: 30%.)
 */
export const entitlementsStep: SeedStep = {
  name: 'entitlements',
  run: (ctx) =>
    ctx.tx.run(async (em) => {
      const policies = new Tally();
      for (const p of POLICIES) policies.add(await upsertPolicy(em, p));
      const uses = new Tally();
      for (const u of USES) uses.add(await insertUse(em, u));
      return `policies ${policies}; uses ${uses}`;
    }),
};
