import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintNumber, CreatedAt, DateTime3, IdColumn, UpdatedAt } from '../../database/columns';
import type { CreditLevel, LimitPeriod, ListingKind, ListingStatus } from '../catalog-rules';

/**
 * A listing of the points mall (mirrors migrations/1764700000000-Catalog.ts). `stock` is what is
 * left to order, NULL for unlimited: the column name is fixed for outside audits, and it only ever
 * changes through conditional updates (CatalogService.restock / takeStock / returnStock).
 */
@Entity('listings')
@Index('idx_listings_status_scope', ['status', 'scopePath', 'createdAt'])
@Index('idx_listings_provider', ['providerOrganizationId', 'createdAt'])
@Index('idx_listings_created', ['createdAt'])
@Index('idx_listings_donation', ['donationId'])
export class ListingEntity {
  @PrimaryColumn({ type: 'char', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 16 })
  kind: ListingKind;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'text' })
  description: string;

  @Column({ name: 'points_price', type: 'int' })
  pointsPrice: number;

  /** What is left to order; NULL = unlimited (and stays so: nothing turns one into the other). */
  @Column({ type: 'int', nullable: true })
  stock: number | null;

  /** Per-resident limit: at most `limit_count` units per `limit_period` (both NULL = no limit). */
  @Column({ name: 'limit_count', type: 'int', nullable: true })
  limitCount: number | null;

  @Column({ name: 'limit_period', type: 'varchar', length: 8, nullable: true })
  limitPeriod: LimitPeriod | null;

  @Column({ name: 'min_credit_level', type: 'varchar', length: 4, nullable: true })
  minCreditLevel: CreditLevel | null;

  @Column({ name: 'min_age', type: 'int', nullable: true })
  minAge: number | null;

  @DateTime3('valid_from', { nullable: true })
  validFrom: Date | null;

  @DateTime3('valid_until', { nullable: true })
  validUntil: Date | null;

  /** Days a voucher stays redeemable after the order. */
  @Column({ name: 'redeem_within_days', type: 'int' })
  redeemWithinDays: number;

  @Column({ name: 'image_url', type: 'varchar', length: 500, nullable: true })
  imageUrl: string | null;

  /** What one unit costs the provider or the community, in fen (funding reports). */
  @Column({ name: 'unit_cost_fen', type: 'bigint', nullable: true, transformer: bigintNumber })
  unitCostFen: number | null;

  /** The donation the goods or service came from, if any (funding reports). */
  @IdColumn('donation_id', { nullable: true })
  donationId: string | null;

  @Column({ type: 'varchar', length: 16, default: 'published' })
  status: ListingStatus;

  @IdColumn('provider_organization_id')
  providerOrganizationId: string;

  /** A community, village, street or city: where the listing circulates. */
  @IdColumn('scope_region_id')
  scopeRegionId: string;

  /** Copy of the scope region's materialised path (`/city/.../`), for `IN` and `LIKE` queries. */
  @Column({ name: 'scope_path', type: 'varchar', length: 400 })
  scopePath: string;

  @IdColumn('created_by')
  createdBy: string;

  /** Bumped by every change of the listing's definition (edit, publish, unpublish); not by stock. */
  @Column({ type: 'int', default: 1 })
  version: number;

  @CreatedAt()
  createdAt: Date;

  @UpdatedAt()
  updatedAt: Date;
}
