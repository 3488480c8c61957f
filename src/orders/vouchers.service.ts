import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import QRCode from 'qrcode';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../common/actor';
import { notFound, refuse } from '../common/errors';
import { CodeSigner } from '../signing/code-signer.service';
import { OrderEntity } from './entities/order.entity';
import { VoucherEntity } from './entities/voucher.entity';
import { OrdersRepository } from './orders.repository';
import { VouchersRepository } from './vouchers.repository';

export interface VoucherView {
  orderId: string;
  code: string;
  expiresAt: Date;
  status: string;
}

/** QR codes at medium error correction, as a counter's scanner reads them. */
const QR_OPTIONS = { errorCorrectionLevel: 'M' as const, margin: 2 };

@Injectable()
export class VouchersService {
  constructor(
    private readonly signer: CodeSigner,
    @InjectDataSource() private readonly db: DataSource,
    private readonly orders: OrdersRepository,
    private readonly vouchers: VouchersRepository,
  ) {}

  /**
   * Issues the voucher of an order inside the caller's transaction; the order's primary key is the
   * voucher's, so issuing twice keeps the first one.
   */
  async issue(em: EntityManager, order: OrderEntity): Promise<VoucherEntity> {
    const existing = await this.vouchers.byOrderId(em, order.id);
    if (existing) return existing;
    const { code, kid } = await this.signer.sign({
      type: 'voucher',
      subject: order.id,
      aux: order.providerOrganizationId,
      expiresAt: order.expiresAt,
      extra: 0,
    });
    await this.vouchers.insertOnce(em, { orderId: order.id, kid, code, expiresAt: order.expiresAt });
    return (await this.vouchers.byOrderId(em, order.id))!;
  }

  /**
   * {@link issue} for many orders at once (batched fulfilment): one read of the vouchers that
   * exist, one insert of the missing ones (the first voucher of an order stays); no read-back.
   */
  async issueMany(em: EntityManager, orders: OrderEntity[]): Promise<void> {
    const have = await this.vouchers.orderIdsWithVoucher(
      em,
      orders.map((o) => o.id),
    );
    const missing = orders.filter((o) => !have.has(o.id));
    const signed = await Promise.all(
      missing.map(async (o) => ({
        orderId: o.id,
        expiresAt: o.expiresAt,
        ...(await this.signer.sign({
          type: 'voucher',
          subject: o.id,
          aux: o.providerOrganizationId,
          expiresAt: o.expiresAt,
          extra: 0,
        })),
      })),
    );
    await this.vouchers.insertManyOnce(em, signed);
  }

  /** The resident's voucher once the order is ready (409 VOUCHER_NOT_READY before). */
  async get(actor: Actor, orderId: string): Promise<VoucherView> {
    const order = await this.orders.byId(this.db.manager, orderId);
    if (!order || order.residentId !== actor.id) throw notFound('order', orderId);
    const v = await this.vouchers.byOrderId(this.db.manager, orderId);
    if (!v || order.status === 'pending') {
      throw refuse(
        'VOUCHER_NOT_READY',
        { orderId, status: order.status },
        'the voucher is not issued yet; try again shortly',
      );
    }
    return { orderId, code: v.code, expiresAt: v.expiresAt, status: order.status };
  }

  async png(actor: Actor, orderId: string): Promise<Buffer> {
    const v = await this.get(actor, orderId);
    return QRCode.toBuffer(v.code, { ...QR_OPTIONS, type: 'png', scale: 6 });
  }

  async svg(actor: Actor, orderId: string): Promise<string> {
    const v = await this.get(actor, orderId);
    return QRCode.toString(v.code, { ...QR_OPTIONS, type: 'svg' });
  }
}
