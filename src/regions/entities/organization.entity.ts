import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CreatedAt, IdColumn } from '../../database/columns';

export const ORGANIZATION_TYPES = [
  'community',
  'street_office',
  'merchant',
  'hospital',
  'canteen',
  'enterprise',
  'charity_fund',
] as const;
export type OrganizationType = (typeof ORGANIZATION_TYPES)[number];

@Entity('organizations')
@Index('idx_organizations_region', ['regionId'])
export class OrganizationEntity {
  @PrimaryColumn({ type: 'char', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 150 })
  name: string;

  @Column({ type: 'varchar', length: 32 })
  type: OrganizationType;

  @IdColumn('region_id')
  regionId: string;

  @CreatedAt()
  createdAt: Date;
}
