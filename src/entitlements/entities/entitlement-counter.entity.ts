import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { EntitlementKind } from '../entitlement-rules';

/** Uses of a kind with a yearly quota, per resident and earning year; only a conditional UPDATE raises `used`. */
@Entity('entitlement_counters')
export class EntitlementCounterEntity {
  @PrimaryColumn({ name: 'resident_id', type: 'char', length: 36 })
  residentId: string;

  @PrimaryColumn({ type: 'varchar', length: 32 })
  kind: EntitlementKind;

  @PrimaryColumn({ name: 'period_year', type: 'smallint' })
  periodYear: number;

  @Column({ type: 'int', default: 0 })
  used: number;
}
