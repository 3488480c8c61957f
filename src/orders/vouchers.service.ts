import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import QRCode from 'qrcode';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../common/actor';
import { DomainError } from '../common/domain-error';
import { notFound } from '../common/errors';
import { CodeSigner } from '../signing/code-signer.service';
import { OrderEntity } from './entities/order.entity';
import { VoucherEntity } from './entities/voucher.entity';

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
  ) {}

  /**
   * Issues the voucher of an order inside the caller's transaction; the order's primary key is the
   * voucher's, so issuing twice keeps the first one.
   */
  async issue(em: EntityManager, order: OrderEntity): Promise<VoucherEntity> {
    const existing = await em.getRepository(VoucherEntity).findOneBy({ orderId: order.id });
    if (existing) return existing;
    const { code, kid } = await this.signer.sign({
      type: 'voucher',
      subject: order.id,
      aux: order.providerOrganizationId,
      expiresAt: order.expiresAt,
      extra: 0,
    });
    await em.query(
      'INSERT INTO vouchers (order_id, kid, code, expires_at, issued_at) VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP(3)) ON DUPLICATE KEY UPDATE order_id = order_id',
      [order.id, kid, code, order.expiresAt],
    );
    return em.getRepository(VoucherEntity).findOneByOrFail({ orderId: order.id });
  }

  /** The resident's voucher once the order is ready (409 VOUCHER_NOT_READY before). */
  async get(actor: Actor, orderId: string): Promise<VoucherView> {
    const order = await this.db.getRepository(OrderEntity).findOneBy({ id: orderId });
    if (!order || order.residentId !== actor.id) throw notFound('order', orderId);
    const v = await this.db.getRepository(VoucherEntity).findOneBy({ orderId });
    if (!v || order.status === 'pending') {
      throw new DomainError(
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
