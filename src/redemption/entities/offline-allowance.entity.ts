import { Column, Entity, PrimaryColumn } from 'typeorm';
import { IdColumn, UpdatedAt } from '../../database/columns';

/** How much an organisation's devices may accept offline before they must sync (defaults when no row). */
@Entity('offline_allowances')
export class OfflineAllowanceEntity {
  @PrimaryColumn({ name: 'organization_id', type: 'char', length: 36 })
  organizationId: string;

  @Column({ name: 'max_scans', type: 'int' })
  maxScans: number;

  @Column({ name: 'max_points', type: 'int' })
  maxPoints: number;

  @Column({ name: 'bundle_ttl_seconds', type: 'int' })
  bundleTtlSeconds: number;

  @IdColumn('updated_by', { nullable: true })
  updatedBy: string | null;

  @UpdatedAt()
  updatedAt: Date;
}
