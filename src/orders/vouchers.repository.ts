import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { VoucherEntity } from './entities/voucher.entity';

/** The statements on `vouchers` (one per order, keyed by the order id). */
@Injectable()
export class VouchersRepository {
  byOrderId(tx: EntityManager, orderId: string): Promise<VoucherEntity | null> {
    return tx.getRepository(VoucherEntity).findOneBy({ orderId });
  }

  /** Which of these orders have a voucher. */
  async orderIdsWithVoucher(tx: EntityManager, orderIds: string[]): Promise<Set<string>> {
    if (!orderIds.length) return new Set();
    const rows: Array<{ order_id: string }> = await tx.query(
      'SELECT order_id FROM vouchers WHERE order_id IN (?)',
      [orderIds],
    );
    return new Set(rows.map((r) => r.order_id));
  }

  /** {@link insertOnce} for many vouchers in one statement. */
  async insertManyOnce(
    tx: EntityManager,
    vs: Array<Pick<VoucherEntity, 'orderId' | 'kid' | 'code' | 'expiresAt'>>,
  ): Promise<void> {
    if (!vs.length) return;
    await tx.query(
      `INSERT INTO vouchers (order_id, kid, code, expires_at, issued_at)
       VALUES ${vs.map(() => '(?, ?, ?, ?, CURRENT_TIMESTAMP(3))').join(', ')} ON DUPLICATE KEY UPDATE order_id = order_id`,
      vs.flatMap((v) => [v.orderId, v.kid, v.code, v.expiresAt]),
    );
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
