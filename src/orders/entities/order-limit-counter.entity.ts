import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('order_limit_counters')
export class OrderLimitCounterEntity {
  @PrimaryColumn({ name: 'resident_id', type: 'char', length: 36 })
  residentId: string;

  @PrimaryColumn({ name: 'listing_id', type: 'char', length: 36 })
  listingId: string;

  @PrimaryColumn({ name: 'period_key', type: 'varchar', length: 16 })
  periodKey: string;

  @Column({ type: 'int', default: 0 })
  used: number;
}
