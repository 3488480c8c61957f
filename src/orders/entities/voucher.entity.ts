import { Column, Entity, PrimaryColumn } from 'typeorm';
import { DateTime3 } from '../../database/columns';

/** One voucher per order (the primary key is the order id): a retried job cannot issue a second. */
@Entity('vouchers')
export class VoucherEntity {
  @PrimaryColumn({ name: 'order_id', type: 'char', length: 36 })
  orderId: string;

  @Column({ type: 'char', length: 8 })
  kid: string;

  @Column({ type: 'varchar', length: 200 })
  code: string;

  @DateTime3('expires_at')
  expiresAt: Date;

  @DateTime3('issued_at', { default: () => 'CURRENT_TIMESTAMP(3)' })
  issuedAt: Date;
}
