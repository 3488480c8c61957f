import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CreatedAt, IdColumn } from '../../database/columns';

/** One line per online scan, whatever its outcome (a failed scan writes nothing else). */
@Entity('scan_audit')
@Index('idx_scan_audit_org', ['organizationId', 'createdAt'])
@Index('idx_scan_audit_actor', ['actorId', 'createdAt'])
export class ScanAuditEntity {
  @PrimaryColumn({ type: 'char', length: 36 })
  id: string;

  @IdColumn('actor_id')
  actorId: string;

  @IdColumn('organization_id', { nullable: true })
  organizationId: string | null;

  @Column({ name: 'device_id', type: 'varchar', length: 100, nullable: true })
  deviceId: string | null;

  /** `REDEEMED` or the error code the scan answered (`ALREADY_REDEEMED`, `INVALID_CODE`, ...). */
  @Column({ type: 'varchar', length: 32 })
  outcome: string;

  @IdColumn('order_id', { nullable: true })
  orderId: string | null;

  @CreatedAt()
  createdAt: Date;
}
