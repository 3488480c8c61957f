import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CreatedAt, IdColumn } from '../../database/columns';

export const REGION_KINDS = ['city', 'district', 'street', 'community', 'village'] as const;
export type RegionKind = (typeof REGION_KINDS)[number];

@Entity('regions')
export class RegionEntity {
  @PrimaryColumn({ type: 'char', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  kind: RegionKind;

  @IdColumn('parent_id', { nullable: true })
  parentId: string | null;

  /** `/rootId/.../ownId/`: the subtree of a region is every path starting with its own. */
  @Index('idx_regions_path')
  @Column({ type: 'varchar', length: 400 })
  path: string;

  @CreatedAt()
  createdAt: Date;
}
