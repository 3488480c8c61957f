import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { DateTime3, IdColumn } from '../../database/columns';

export type OfflineScanStatus = 'accepted' | 'conflict' | 'invalid';

/** Every scan uploaded by an offline device, once (UNIQUE organisation, device, scan id). */
@Entity('offline_scans')
@Index('uq_offline_scans_scan', ['organizationId', 'deviceId', 'scanId'], { unique: true })
@Index('idx_offline_scans_order', ['orderId'])
export class OfflineScanEntity {
  @PrimaryColumn({ type: 'char', length: 36 })
  id: string;

  @IdColumn('organization_id')
  organizationId: string;

  @Column({ name: 'device_id', type: 'varchar', length: 100 })
  deviceId: string;

  @Column({ name: 'scan_id', type: 'varchar', length: 100 })
  scanId: string;

  @IdColumn('order_id', { nullable: true })
  orderId: string | null;

  @Column({ type: 'varchar', length: 10 })
  status: OfflineScanStatus;

  @Column({ type: 'varchar', length: 200, nullable: true })
  reason: string | null;

  @DateTime3('scanned_at')
  scannedAt: Date;

  @DateTime3('received_at', { default: () => 'CURRENT_TIMESTAMP(3)' })
  receivedAt: Date;

  @Column({ name: 'over_allowance', type: 'boolean', default: false })
  overAllowance: boolean;

  @IdColumn('uploaded_by')
  uploadedBy: string;
}
