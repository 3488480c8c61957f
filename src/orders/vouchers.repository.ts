import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { VoucherEntity } from './entities/voucher.entity';

/** The statements on `vouchers` (one per order, keyed by the order id). */
@Injectable()
export class VouchersRepository {
  byOrderId(tx: EntityManager, orderId: string): Promise<VoucherEntity | null> {
    return tx.getRepository(VoucherEntity).findOneBy({ orderId });
  }

  /** Inserts the voucher unless the order has one already (the first one stays). */
  async insertOnce(
    tx: EntityManager,
    v: Pick<VoucherEntity, 'orderId' | 'kid' | 'code' | 'expiresAt'>,
  ): Promise<void> {
    await tx.query(
      'INSERT INTO vouchers (order_id, kid, code, expires_at, issued_at) VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP(3)) ON DUPLICATE KEY UPDATE order_id = order_id',
      [v.orderId, v.kid, v.code, v.expiresAt],
    );
  }
}
