import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DomainError } from '../common/domain-error';
import { newId } from '../common/ids';
import { maskName } from '../earning/masking';
import { FundingService } from '../funding/funding.service';
import { LedgerService } from '../ledger/ledger.service';
import { NotificationsService } from '../notifications/notifications.service';
import { OrderEntity } from '../orders/entities/order.entity';
import { transition } from '../orders/order-state-machine';
import { toOrderView } from '../orders/orders.service';
import type { VoucherFacts } from './dto/redemption.dto';
import type { RedemptionChannel } from './entities/redemption.entity';
import type { Verdict } from './redemption-rules';

export interface CaptureBy {
  actorId: string;
  deviceId: string | null;
  channel: RedemptionChannel;
  scanId: string | null;
  scannedAt: Date;
}

export interface Captured {
  redemptionId: string;
  captureTransferId: string;
  /** The order as it is after the capture (status `redeemed`, who, when). */
  order: OrderEntity;
}

export const invalidCode = (reason: string) =>
  new DomainError('INVALID_CODE', { reason }, 'the code is not valid');

/** Who and where, by name, for the counter's answers (never the resident's id). */
export interface RedeemedNames {
  organizationName: string | null;
  redeemedByName: string | null;
}

/** The answer to a scan that finds the order in a state that does not redeem. */
export function voucherError(
  verdict: Extract<Verdict, { ok: false }>,
  order: OrderEntity,
  names: RedeemedNames = { organizationName: null, redeemedByName: null },
): DomainError {
  switch (verdict.code) {
    case 'ALREADY_REDEEMED':
      return new DomainError(
        'ALREADY_REDEEMED',
        {
          orderId: order.id,
          redeemedAt: order.redeemedAt,
          redeemedBy: order.redeemedBy,
          redeemedByName: names.redeemedByName,
          deviceId: order.redeemedDevice,
          organizationId: order.providerOrganizationId,
          organizationName: names.organizationName,
        },
        'this voucher was already redeemed',
      );
    case 'VOUCHER_CANCELLED':
      return new DomainError(
        'VOUCHER_CANCELLED',
        { orderId: order.id, status: order.status, cancelledAt: order.cancelledAt },
        'this voucher was cancelled',
      );
    case 'VOUCHER_EXPIRED':
      return new DomainError(
        'VOUCHER_EXPIRED',
        { orderId: order.id, expiresAt: order.expiresAt },
        'this voucher has expired',
      );
    default:
      return new DomainError(
        'VOUCHER_NOT_READY',
        { orderId: order.id, status: order.status },
        'this voucher is not issued yet',
      );
  }
}

/**
 * The capture of a voucher, shared by the online scan and the offline batch. The caller owns the
 * transaction and has locked the order row ({@link lockOrder}); {@link capture} then moves the order
 * `ready` → `redeemed` (conditional), records the redemption and posts the hold to the provider's
 * redemption account. The provider's account is updated last: its row is the one every capture at
 * that counter updates, so its lock is held only until the commit.
 */
@Injectable()
export class CaptureService {
  constructor(
    private readonly ledger: LedgerService,
    private readonly notifications: NotificationsService,
    private readonly funding: FundingService,
  ) {}

  /** `SELECT ... FOR UPDATE` on the order: scans, cancellations and expiry of one order serialise here. */
  lockOrder(em: EntityManager, orderId: string): Promise<OrderEntity | null> {
    return em
      .getRepository(OrderEntity)
      .findOne({ where: { id: orderId }, lock: { mode: 'pessimistic_write' } });
  }

  async capture(em: EntityManager, order: OrderEntity, by: CaptureBy): Promise<Captured> {
    const moved = await transition(
      em,
      order.id,
      'redeemed',
      { redeemed_by: by.actorId, redeemed_device: by.deviceId },
      ['ready'],
    );
    if (!moved)
      throw new DomainError('CONFLICT', { orderId: order.id }, 'the order changed meanwhile; scan again');
    const redemptionId = newId();
    const captureTransferId = this.ledger.deriveId('order_capture', order.id);
    await em.query(
      `INSERT INTO redemptions (id, order_id, organization_id, listing_id, resident_id, community_id, points, redeemed_by,
         device_id, channel, scan_id, scanned_at, capture_transfer_id, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP(3))`,
      [
        redemptionId,
        order.id,
        order.providerOrganizationId,
        order.listingId,
        order.residentId,
        order.communityId,
        order.totalPoints,
        by.actorId,
        by.deviceId,
        by.channel,
        by.scanId,
        by.scannedAt,
        captureTransferId,
      ],
    );
    await this.notifications.notify(em, {
      userId: order.residentId,
      kind: 'order_redeemed',
      title: '兑换成功',
      body: `您的兑换券已核销，${order.totalPoints} 积分已扣除。`,
      refType: 'order',
      refId: order.id,
    });
    // The hold is posted in the lock order of the order path (orders.service.ts `release`): the
    // wallet now, the provider's redemption account (every capture at that counter) last.
    const { creditLater } = await this.ledger.postDeferringCredit(em, {
      id: captureTransferId,
      pendingId: order.holdTransferId,
      code: 'redeem',
      refType: 'order',
      refId: order.id,
    });
    // Cost of redemptions: the goods handed over leave inventory at their lots' values (oldest first).
    await this.funding.recognizeRedemptionCost(em, {
      orderId: order.id,
      listingId: order.listingId,
      quantity: order.quantity,
      communityId: order.communityId,
    });
    const after = await em.getRepository(OrderEntity).findOneByOrFail({ id: order.id });
    await creditLater();
    return { redemptionId, captureTransferId, order: after };
  }

  /**
   * The order with its listing's title, the organisation's name and the resident's masked name
   * (plain reads, no locks). The order is shown without the resident's id: a counter sees a masked
   * name and nothing that identifies the person further.
   */
  async facts(em: EntityManager, order: OrderEntity): Promise<VoucherFacts> {
    const [row]: Array<{ title: string | null; display_name: string | null; org_name: string | null }> =
      await em.query(
        `SELECT (SELECT title FROM listings WHERE id = ?) AS title, (SELECT display_name FROM users WHERE id = ?) AS display_name,
                (SELECT name FROM organizations WHERE id = ?) AS org_name`,
        [order.listingId, order.residentId, order.providerOrganizationId],
      );
    const { residentId: _residentId, ...view } = toOrderView(order, row?.title ?? undefined);
    return {
      order: view,
      listing: { id: order.listingId, title: row?.title ?? null },
      organization: { id: order.providerOrganizationId, name: row?.org_name ?? null },
      resident: { displayName: maskName(row?.display_name) },
    };
  }

  /** The organisation's and the redeeming staff member's names, for ALREADY_REDEEMED. */
  async names(em: EntityManager, order: OrderEntity): Promise<RedeemedNames> {
    const [row]: Array<{ org_name: string | null; staff_name: string | null }> = await em.query(
      'SELECT (SELECT name FROM organizations WHERE id = ?) AS org_name, (SELECT display_name FROM users WHERE id = ?) AS staff_name',
      [order.providerOrganizationId, order.redeemedBy],
    );
    return { organizationName: row?.org_name ?? null, redeemedByName: row?.staff_name ?? null };
  }
}
