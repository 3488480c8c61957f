import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DomainError } from '../common/domain-error';
import { conflict, refuse } from '../common/errors';
import { newId } from '../common/ids';
import { maskName } from '../common/masking';
import { FundingService } from '../funding/funding.service';
import { LedgerService } from '../ledger/ledger.service';
import { PendingBatchService } from '../ledger/pending-batch.service';
import { NotificationsService } from '../notifications/notifications.service';
import { transition } from '../orders/order-state-machine';
import { OrderEntity, RedemptionCaptureQueries } from '../orders/redemption-capture.queries';
import { toOrderView } from '../orders/orders.service';
import type { VoucherFacts } from './dto/redemption.dto';
import type { RedemptionChannel } from './entities/redemption.entity';
import { CounterFacts } from './counter-facts';
import type { Verdict } from './redemption-rules';
import { RedemptionsRepository } from './redemptions.repository';

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

/** A capture of a batch: the locked order (ready) and who scans it. */
export interface BatchCapture {
  order: OrderEntity;
  by: CaptureBy;
}

/** The names and titles {@link voucherFacts} reads, by id. */
export interface FactMaps {
  titles: Map<string, string>;
  names: Map<string, string>;
  orgNames: Map<string, string>;
}

/** What the counter is shown of an order: listing, organisation, the resident's masked name. */
export function voucherFacts(order: OrderEntity, m: FactMaps): VoucherFacts {
  const title = m.titles.get(order.listingId) ?? null;
  const { residentId: _residentId, ...view } = toOrderView(order, title ?? undefined);
  return {
    order: view,
    listing: { id: order.listingId, title },
    organization: {
      id: order.providerOrganizationId,
      name: m.orgNames.get(order.providerOrganizationId) ?? null,
    },
    resident: { displayName: maskName(m.names.get(order.residentId)) },
  };
}

const redeemedNote = (order: OrderEntity) => ({
  userId: order.residentId,
  kind: 'order_redeemed',
  title: '兑换成功',
  body: `您的兑换券已核销，${order.totalPoints} 积分已扣除。`,
  refType: 'order',
  refId: order.id,
});

/** Staff never redeem their own vouchers: someone else serves them at the counter. */
export const ownVoucher = (order: Pick<OrderEntity, 'id'>): DomainError =>
  refuse(
    'SELF_SERVICE_FORBIDDEN',
    { orderId: order.id },
    'you may not redeem your own voucher; ask a colleague to serve you',
  );

export function assertNotOwnVoucher(
  actor: { id: string },
  order: Pick<OrderEntity, 'id' | 'residentId'>,
): void {
  if (order.residentId === actor.id) throw ownVoucher(order);
}

export const invalidCode = (reason: string) => refuse('INVALID_CODE', { reason }, 'the code is not valid');

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
      return refuse(
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
      return refuse(
        'VOUCHER_CANCELLED',
        { orderId: order.id, status: order.status, cancelledAt: order.cancelledAt },
        'this voucher was cancelled',
      );
    case 'VOUCHER_EXPIRED':
      return refuse(
        'VOUCHER_EXPIRED',
        { orderId: order.id, expiresAt: order.expiresAt },
        'this voucher has expired',
      );
    default:
      return refuse(
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
    private readonly pendingBatch: PendingBatchService,
    private readonly notifications: NotificationsService,
    private readonly funding: FundingService,
    private readonly orders: RedemptionCaptureQueries,
    private readonly redemptions: RedemptionsRepository,
    private readonly counter: CounterFacts,
  ) {}

  /** `SELECT ... FOR UPDATE` on the order: scans, cancellations and expiry of one order serialise here. */
  lockOrder(tx: EntityManager, orderId: string): Promise<OrderEntity | null> {
    return this.orders.lock(tx, orderId);
  }

  async capture(tx: EntityManager, order: OrderEntity, by: CaptureBy): Promise<Captured> {
    const moved = await transition(
      tx,
      order.id,
      'redeemed',
      { redeemed_by: by.actorId, redeemed_device: by.deviceId },
      ['ready'],
    );
    if (!moved) throw conflict('the order changed meanwhile; scan again', { orderId: order.id });
    const redemptionId = newId();
    const captureTransferId = this.ledger.deriveId('order_capture', order.id);
    await this.redemptions.insert(tx, {
      id: redemptionId,
      order_id: order.id,
      organization_id: order.providerOrganizationId,
      listing_id: order.listingId,
      resident_id: order.residentId,
      community_id: order.communityId,
      points: order.totalPoints,
      redeemed_by: by.actorId,
      device_id: by.deviceId,
      channel: by.channel,
      scan_id: by.scanId,
      scanned_at: by.scannedAt,
      capture_transfer_id: captureTransferId,
    });
    await this.notifications.notify(tx, redeemedNote(order));
    // The hold is posted in the lock order of the order path (orders.service.ts `release`): the
    // wallet now, the provider's redemption account (every capture at that counter) last.
    const { creditLater } = await this.ledger.postDeferringCredit(tx, {
      id: captureTransferId,
      pendingId: order.holdTransferId,
      code: 'redeem',
      refType: 'order',
      refId: order.id,
    });
    // Cost of redemptions: the goods handed over leave inventory at their lots' values (oldest first).
    await this.funding.recognizeRedemptionCost(tx, {
      orderId: order.id,
      listingId: order.listingId,
      quantity: order.quantity,
      communityId: order.communityId,
    });
    const after = (await this.orders.find(tx, order.id))!;
    await creditLater();
    return { redemptionId, captureTransferId, order: after };
  }

  /**
   * The order with its listing's title, the organisation's name and the resident's masked name
   * (plain reads, no locks). The order is shown without the resident's id: a counter sees a masked
   * name and nothing that identifies the person further.
   */
  async facts(tx: EntityManager, order: OrderEntity): Promise<VoucherFacts> {
    // One after the other: inside a transaction the statements share its connection.
    const titles = await this.counter.titles(tx, [order.listingId]);
    const names = await this.counter.names(tx, [order.residentId]);
    const orgNames = await this.counter.organizationNames(tx, [order.providerOrganizationId]);
    return voucherFacts(order, { titles, names, orgNames });
  }

  /**
   * The names and titles of many orders (and of the staff who redeemed them): three reads in
   * parallel, so `em` is the pool (data a capture does not change), not a transaction.
   */
  async factMaps(em: EntityManager, orders: OrderEntity[], staffIds: string[]): Promise<FactMaps> {
    const [titles, names, orgNames] = await Promise.all([
      this.counter.titles(
        em,
        orders.map((o) => o.listingId),
      ),
      this.counter.names(em, [...orders.map((o) => o.residentId), ...staffIds]),
      this.counter.organizationNames(
        em,
        orders.map((o) => o.providerOrganizationId),
      ),
    ]);
    return { titles, names, orgNames };
  }

  /**
   * {@link capture} for a batch (group commit): every order `ready` → `redeemed` in one conditional
   * update, the redemption rows and notifications in one insert each, the holds posted together
   * (PendingBatchService: the holds in id order, the wallets in one update), the cost of
   * redemptions. The provider's redemption account is credited by
   * `creditLater()`, once per account with the batch's sum: the caller runs it last.
   */
  async captureMany(
    tx: EntityManager,
    captures: BatchCapture[],
  ): Promise<{ captured: Captured[]; creditLater: () => Promise<void> }> {
    const list = [...captures].sort((a, b) => (a.order.id < b.order.id ? -1 : 1));
    const at = new Date();
    const moved = await this.orders.redeemMany(
      tx,
      at,
      list.map((c) => ({ orderId: c.order.id, redeemedBy: c.by.actorId, deviceId: c.by.deviceId })),
    );
    if (moved !== list.length) throw conflict('an order of the batch changed meanwhile; scan again', {});
    const ids = list.map((c) => ({
      redemptionId: newId(),
      captureTransferId: this.ledger.deriveId('order_capture', c.order.id),
    }));
    await this.redemptions.insertMany(
      tx,
      list.map(({ order, by }, i) => ({
        id: ids[i].redemptionId,
        order_id: order.id,
        organization_id: order.providerOrganizationId,
        listing_id: order.listingId,
        resident_id: order.residentId,
        community_id: order.communityId,
        points: order.totalPoints,
        redeemed_by: by.actorId,
        device_id: by.deviceId,
        channel: by.channel,
        scan_id: by.scanId,
        scanned_at: by.scannedAt,
        capture_transfer_id: ids[i].captureTransferId,
      })),
    );
    await this.notifications.notifyMany(
      tx,
      list.map((c) => redeemedNote(c.order)),
    );
    const { creditLater } = await this.pendingBatch.postManyDeferringCredit(
      tx,
      list.map(({ order }, i) => ({
        id: ids[i].captureTransferId,
        pendingId: order.holdTransferId,
        code: 'redeem',
        refType: 'order',
        refId: order.id,
      })),
    );
    await this.funding.recognizeRedemptionCosts(
      tx,
      list.map(({ order }) => ({
        orderId: order.id,
        listingId: order.listingId,
        quantity: order.quantity,
        communityId: order.communityId,
      })),
    );
    // The orders as the update left them (no read back: the batch set every changed column).
    const byOrder = new Map(
      list.map(({ order, by }, i) => [
        order.id,
        {
          ...ids[i],
          order: {
            ...order,
            status: 'redeemed' as const,
            redeemedAt: at,
            redeemedBy: by.actorId,
            redeemedDevice: by.deviceId,
          },
        },
      ]),
    );
    return { captured: captures.map((c) => byOrder.get(c.order.id)!), creditLater };
  }

  /** The organisation's and the redeeming staff member's names, for ALREADY_REDEEMED. */
  async names(tx: EntityManager, order: OrderEntity): Promise<RedeemedNames> {
    const orgNames = await this.counter.organizationNames(tx, [order.providerOrganizationId]);
    const staff = await this.counter.names(tx, [order.redeemedBy]);
    return {
      organizationName: orgNames.get(order.providerOrganizationId) ?? null,
      redeemedByName: order.redeemedBy ? (staff.get(order.redeemedBy) ?? null) : null,
    };
  }
}
