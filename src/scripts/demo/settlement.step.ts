import { DomainError } from '../../common/domain-error';
import { StandingsService } from '../../earning/standings.service';
import { PasswordService } from '../../identity/password.service';
import { LedgerService } from '../../ledger/ledger.service';
import { OrderFulfilmentProcessor } from '../../orders/order-fulfilment.processor';
import { OrdersService } from '../../orders/orders.service';
import { VouchersService } from '../../orders/vouchers.service';
import { RedemptionService } from '../../redemption/redemption.service';
import { SettlementService } from '../../settlement/settlement.service';
import { DEMO_LISTINGS } from './catalog.step';
import { upsertRow, type DemoContext, type SeedStep } from './context';
import { demoId } from './demo-ids';
import { DEMO, DEMO_PASSWORD } from './world';
import { ensurePoints } from './points';

/** A resident of 东升社区 (whose community fund is empty), who redeemed a pillow at 惠民超市 (桃花园社区). */
const DONGSHENG_RESIDENT = {
  username: 'zhou.dongmei',
  displayName: '周冬梅',
  householdNo: 'DS-0101',
  birthDate: '1958-04-09',
};

/** Last month's redemptions at providers of other communities: who, what, at whose counter. */
const CROSS_REDEMPTIONS = [
  { key: 'escort-zhu', resident: 'zhu.baolin', listing: 'escort', staff: 'demo.hospital_staff' },
  { key: 'escort-luo', resident: 'luo.yongfu', listing: 'escort', staff: 'demo.hospital_staff' },
  {
    key: 'pillow-zhou',
    resident: DONGSHENG_RESIDENT.username,
    listing: 'pillow',
    staff: 'demo.merchant_staff',
  },
] as const;

/** Last month on China's calendar, `YYYY-MM`, and a moment in its middle (the 15th, 10:00 China time). */
function lastMonth(now = new Date()): { period: string; midMonth: Date } {
  const china = new Date(now.getTime() + 8 * 3_600_000);
  const first = Date.UTC(china.getUTCFullYear(), china.getUTCMonth() - 1, 1);
  const period = new Date(first).toISOString().slice(0, 7);
  return { period, midMonth: new Date(first + 14 * 86_400_000 + 2 * 3_600_000) };
}

async function ensureDongshengResident(ctx: DemoContext): Promise<string> {
  const id = demoId(`user:${DONGSHENG_RESIDENT.username}`);
  const [found] = await ctx.db.query('SELECT id FROM users WHERE username = ?', [
    DONGSHENG_RESIDENT.username,
  ]);
  if (found && found.id !== id)
    throw new Error(`user ${DONGSHENG_RESIDENT.username} exists with another id: seed an empty database`);
  if (!found)
    await ctx.tx.run((em) =>
      upsertRow(em, 'users', {
        id,
        username: DONGSHENG_RESIDENT.username,
        password_hash: null,
        display_name: DONGSHENG_RESIDENT.displayName,
        roles: 'resident',
        region_id: DEMO.regions.dongshengCommunity,
        household_no: DONGSHENG_RESIDENT.householdNo,
        birth_date: DONGSHENG_RESIDENT.birthDate,
        active: 1,
      }),
    );
  if (!found) {
    const hash = await ctx.get(PasswordService).hash(DEMO_PASSWORD);
    await ctx.db.query('UPDATE users SET password_hash = ? WHERE id = ?', [hash, id]);
  }
  return id;
}

/** One redemption of last month: placed, fulfilled and scanned through the services, then dated mid-month. */
async function redeemLastMonth(
  ctx: DemoContext,
  r: (typeof CROSS_REDEMPTIONS)[number],
  period: string,
  at: Date,
): Promise<void> {
  const resident = await ctx.actor(r.resident);
  const staff = await ctx.actor(r.staff);
  const listingId = DEMO_LISTINGS[r.listing];
  const key = `demo-settlement-${period}-${r.key}`;
  const [listing] = await ctx.db.query('SELECT points_price FROM listings WHERE id = ?', [listingId]);
  const transferId = ctx.get(LedgerService).deriveId('demo_settlement_points', key);
  await ensurePoints(ctx, transferId, resident.id, resident.regionId!, Number(listing.points_price));
  const placed = await ctx.get(OrdersService).place(resident, { listingId, quantity: 1 }, key);
  await ctx.get(OrderFulfilmentProcessor).fulfil(placed.id);
  const code = (await ctx.get(VouchersService).get(resident, placed.id)).code;
  await ctx.get(RedemptionService).redeem(staff, { code, deviceId: 'demo-settlement' }, `${key}-scan`);
  // The demo's "last month": the ledger stamps the time of the redeem post, so it is set back here.
  await ctx.db.query(
    `UPDATE transfers SET created_at = ? WHERE code = 'redeem' AND ref_type = 'order' AND ref_id = ?`,
    [at, placed.id],
  );
  await ctx.db.query('UPDATE orders SET redeemed_at = ? WHERE id = ?', [at, placed.id]);
}

/**
 * City-wide settlement (通兑) and points expiry: last month, two elderly residents of 桃花园社区 had
 * an escort to hospital from 蚌埠市第一人民医院 (淮上区) and a resident of 东升社区 took a pillow at
 * 惠民超市 (桃花园社区); the city administrator closed the month: 桃花园社区 paid the hospital from
 * its fund, 东升社区's empty fund left its line to 惠民超市 unpaid (INSUFFICIENT_FUNDS). 里仁村's
 * points stay valid two years. Closing again changes nothing.
 */
export const settlementStep: SeedStep = {
  name: 'settlement',
  run: async (ctx) => {
    const { period, midMonth } = lastMonth();
    const closed = await ctx.db.query(
      'SELECT 1 AS x FROM settlement_closes WHERE region_id = ? AND period = ?',
      [DEMO.regions.bengbu, period],
    );
    if (!closed.length) {
      await ensureDongshengResident(ctx);
      for (const r of CROSS_REDEMPTIONS) {
        try {
          await redeemLastMonth(ctx, r, period, midMonth);
        } catch (err) {
          if (!(err instanceof DomainError)) throw err;
          ctx.log(`  settlement ${r.key}: skipped (${err.code}: ${err.message})`);
        }
      }
    }
    const statement = await ctx
      .get(SettlementService)
      .close(await ctx.actor('demo.city_admin'), { regionId: DEMO.regions.bengbu, period });
    await ctx
      .get(StandingsService)
      .updateSettings(await ctx.actor('demo.village_admin'), DEMO.regions.liren, { pointsValidYears: 2 });
    const n = (s: string) => statement.lines.filter((l) => l.status === s).length;
    return `${period} ${closed.length ? 'already closed' : 'closed'}: ${n('paid')} paid, ${n('unpaid')} unpaid line(s); 里仁村 points valid 2 years`;
  },
};
