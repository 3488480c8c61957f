import type { Actor } from '../../common/actor';
import { DomainError } from '../../common/domain-error';
import { LedgerService } from '../../ledger/ledger.service';
import { OrderEntity } from '../../orders/entities/order.entity';
import { OrderFulfilmentProcessor } from '../../orders/order-fulfilment.processor';
import { OrdersService } from '../../orders/orders.service';
import { VouchersService } from '../../orders/vouchers.service';
import { DisputesService } from '../../redemption/disputes.service';
import { OfflineSyncService } from '../../redemption/offline-sync.service';
import { RedemptionService } from '../../redemption/redemption.service';
import { DEMO_LISTINGS } from './catalog.step';
import type { DemoContext, SeedStep } from './context';
import { DEMO } from './world';
import { ensurePoints } from './points';

type Outcome = 'redeemed' | 'offline' | 'expired' | 'disputed' | 'cancelled_disputed' | 'ready';

interface DemoRedemption {
  key: string;
  resident: string;
  listing: keyof typeof DEMO_LISTINGS;
  /** Who scans it (the counter's staff) and on which device. */
  staff: string;
  device: string;
  outcome: Outcome;
}

/**
 * At 惠民超市 (cultural pillows, city-wide) and 蚌埠市第一人民医院 (check-ups, escort to hospital):
 * vouchers redeemed at the till and offline on a tablet, an expired one, one redeemed at the till and
 * then found again in the tablet's batch (an open dispute), one cancelled by the resident but scanned
 * offline (a resolved dispute), and a ready voucher at each counter to scan in the demo.
 */
export const REDEMPTIONS: readonly DemoRedemption[] = [
  {
    key: 'huimin-till',
    resident: 'wang.jianguo',
    listing: 'pillow',
    staff: 'demo.merchant_staff',
    device: 'huimin-till-1',
    outcome: 'redeemed',
  },
  {
    key: 'huimin-tablet',
    resident: 'li.guifang',
    listing: 'pillow',
    staff: 'demo.merchant_staff',
    device: 'huimin-tablet-1',
    outcome: 'offline',
  },
  {
    key: 'huimin-expired',
    resident: 'liu.zhiqiang',
    listing: 'pillow',
    staff: 'demo.merchant_staff',
    device: 'huimin-till-1',
    outcome: 'expired',
  },
  {
    key: 'huimin-twice',
    resident: 'chen.meiling',
    listing: 'pillow',
    staff: 'demo.merchant_staff',
    device: 'huimin-tablet-1',
    outcome: 'disputed',
  },
  {
    key: 'huimin-ready',
    resident: 'yang.ming',
    listing: 'pillow',
    staff: 'demo.merchant_staff',
    device: 'huimin-till-1',
    outcome: 'ready',
  },
  {
    key: 'hospital-desk',
    resident: 'demo.resident',
    listing: 'checkup',
    staff: 'demo.hospital_staff',
    device: 'hospital-desk-1',
    outcome: 'redeemed',
  },
  {
    key: 'hospital-cancelled',
    resident: 'zhao.yuzhen',
    listing: 'escort',
    staff: 'demo.hospital_staff',
    device: 'hospital-tablet-1',
    outcome: 'cancelled_disputed',
  },
  {
    key: 'hospital-expired',
    resident: 'huang.deming',
    listing: 'checkup',
    staff: 'demo.hospital_staff',
    device: 'hospital-desk-1',
    outcome: 'expired',
  },
  {
    key: 'hospital-ready',
    resident: 'gao.shuzhen',
    listing: 'escort',
    staff: 'demo.hospital_staff',
    device: 'hospital-desk-1',
    outcome: 'ready',
  },
];

/** How much each organisation's devices may accept offline before syncing. */
const ALLOWANCES = [
  { staff: 'demo.merchant_staff', maxScans: 30, maxPoints: 3_000, bundleTtlSeconds: 43_200 },
  { staff: 'demo.hospital_staff', maxScans: 20, maxPoints: 2_000, bundleTtlSeconds: 86_400 },
];

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

async function orderOf(ctx: DemoContext, id: string): Promise<OrderEntity> {
  return ctx.db.getRepository(OrderEntity).findOneByOrFail({ id });
}

/** A scenario's order, placed (once: a stable idempotency key) and fulfilled, with its code. */
interface Placed {
  resident: Actor;
  staff: Actor;
  order: OrderEntity;
  code: string;
  key: string;
  placedBefore: boolean;
}

async function placeOrder(ctx: DemoContext, r: DemoRedemption): Promise<Placed> {
  const resident = await ctx.actor(r.resident);
  const staff = await ctx.actor(r.staff);
  const listingId = DEMO_LISTINGS[r.listing];
  const key = `demo-redemption-${r.key}`;
  const placedBefore =
    (
      await ctx.db.query('SELECT 1 AS x FROM idempotency_keys WHERE scope = ? AND idem_key = ?', [
        `orders:${resident.id}`,
        key,
      ])
    ).length > 0;
  if (!placedBefore) {
    const [listing] = await ctx.db.query('SELECT points_price FROM listings WHERE id = ?', [listingId]);
    const transferId = ctx.get(LedgerService).deriveId('demo_redemption_points', resident.id);
    await ensurePoints(ctx, transferId, resident.id, resident.regionId!, Number(listing.points_price));
  }
  const placed = await ctx.get(OrdersService).place(resident, { listingId, quantity: 1 }, key);
  await ctx.get(OrderFulfilmentProcessor).fulfil(placed.id);
  const order = await orderOf(ctx, placed.id);
  const code = (await ctx.get(VouchersService).get(resident, order.id)).code;
  return { resident, staff, order, code, key, placedBefore };
}

/** The tablet's offline scan of the code, uploaded later; whether it was new. */
async function offlineScan(
  ctx: DemoContext,
  r: DemoRedemption,
  p: Placed,
  minutes: number,
): Promise<boolean> {
  const res = await ctx.get(OfflineSyncService).batch(p.staff, {
    deviceId: r.device,
    scans: [{ code: p.code, scannedAt: minutesAgo(minutes), scanId: `${r.key}-1` }],
  });
  return res.results[0].status !== 'duplicate';
}

const redeemAtTill = (ctx: DemoContext, p: Placed, deviceId: string) =>
  ctx.get(RedemptionService).redeem(p.staff, { code: p.code, deviceId }, `${p.key}-scan`);

/** What each outcome does to its placed order; each returns whether it changed anything. */
const OUTCOMES: Record<
  DemoRedemption['outcome'],
  (ctx: DemoContext, r: DemoRedemption, p: Placed) => Promise<boolean>
> = {
  ready: async () => false,
  redeemed: async (ctx, r, p) => {
    await redeemAtTill(ctx, p, r.device);
    return p.order.status === 'ready';
  },
  offline: (ctx, r, p) => offlineScan(ctx, r, p, 30),
  disputed: async (ctx, r, p) => {
    // Redeemed at the till first; the tablet (offline) had scanned it too.
    await redeemAtTill(ctx, p, 'huimin-till-1');
    return (await offlineScan(ctx, r, p, 30)) || p.order.status === 'ready';
  },
  cancelled_disputed: async (ctx, r, p) => {
    let changed = false;
    if (p.order.status === 'ready') {
      await ctx.get(OrdersService).cancel(p.resident, p.order.id, '行程有变，暂不需要');
      changed = true;
    }
    if (await offlineScan(ctx, r, p, 20)) changed = true;
    const disputes = ctx.get(DisputesService);
    const open = await disputes.list(p.staff, { status: 'open', limit: 100 });
    for (const d of open.items.filter((x) => x.orderId === p.order.id)) {
      await disputes.resolve(p.staff, d.id, {
        resolution: 'resident_contacted',
        note: '已电话联系居民：陪护服务已提供，居民同意重新下单补扣积分。',
      });
      changed = true;
    }
    return changed;
  },
  expired: async (ctx, _r, p) => {
    if (p.order.status !== 'ready') return false;
    // Its deadline passed yesterday; the sweeper's release (hold voided, stock and limit back).
    await ctx.tx.run(async (em) => {
      await em.query(
        `UPDATE orders SET expires_at = DATE_SUB(CURRENT_TIMESTAMP(3), INTERVAL 1 DAY) WHERE id = ? AND status = 'ready'`,
        [p.order.id],
      );
      await em.query(
        'UPDATE vouchers SET expires_at = DATE_SUB(CURRENT_TIMESTAMP(3), INTERVAL 1 DAY) WHERE order_id = ?',
        [p.order.id],
      );
      const locked = (await em.getRepository(OrderEntity).findOne({
        where: { id: p.order.id },
        lock: { mode: 'pessimistic_write' },
      }))!;
      await ctx.get(OrdersService).release(em, locked, 'expired');
    });
    return true;
  },
};

/** One scenario; returns whether it changed anything. */
async function play(ctx: DemoContext, r: DemoRedemption): Promise<boolean> {
  const placed = await placeOrder(ctx, r);
  const changed = await OUTCOMES[r.outcome](ctx, r, placed);
  return changed || !placed.placedBefore;
}

/**
 * Redemption demo data through the services (orders placed as the residents, scanned as the staff,
 * with stable idempotency keys and scan ids), so a second run replays and changes nothing.
 */
export const redemptionStep: SeedStep = {
  name: 'redemption',
  run: async (ctx) => {
    const counts = { created: 0, unchanged: 0, skipped: 0 };
    const offline = ctx.get(OfflineSyncService);
    for (const a of ALLOWANCES) {
      const { staff, ...limits } = a;
      await offline.setAllowance(await ctx.actor(staff), limits);
    }
    for (const r of REDEMPTIONS) {
      try {
        counts[(await play(ctx, r)) ? 'created' : 'unchanged']++;
      } catch (err) {
        // A demo database that users have played with (stock gone, limits used): leave it be.
        if (!(err instanceof DomainError)) throw err;
        counts.skipped++;
        ctx.log(`  redemption ${r.key}: skipped (${err.code}: ${err.message})`);
      }
    }
    const [d] = await ctx.db.query(
      `SELECT SUM(status = 'open') AS open, SUM(status = 'resolved') AS resolved FROM redemption_disputes WHERE organization_id IN (?)`,
      [[DEMO.organizations.huimin, DEMO.organizations.hospital]],
    );
    return `${counts.created} created, ${counts.unchanged} unchanged${counts.skipped ? `, ${counts.skipped} skipped` : ''}; disputes ${Number(d.open ?? 0)} open, ${Number(d.resolved ?? 0)} resolved`;
  },
};
