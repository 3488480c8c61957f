import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The points mall catalog. `listings.stock` (what is left to order, NULL = unlimited) is a name that
 * outside audits rely on. Runs on MySQL 8 and MariaDB 10.11.
 */
export class Catalog1764700000000 implements MigrationInterface {
  name = 'Catalog1764700000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE listings (
      id CHAR(36) NOT NULL,
      kind VARCHAR(16) NOT NULL,
      title VARCHAR(200) NOT NULL,
      description TEXT NOT NULL,
      points_price INT NOT NULL,
      stock INT NULL,
      limit_count INT NULL,
      limit_period VARCHAR(8) NULL,
      min_credit_level VARCHAR(4) NULL,
      min_age INT NULL,
      valid_from DATETIME(3) NULL,
      valid_until DATETIME(3) NULL,
      redeem_within_days INT NOT NULL,
      image_url VARCHAR(500) NULL,
      unit_cost_fen BIGINT NULL,
      donation_id CHAR(36) NULL,
      status VARCHAR(16) NOT NULL DEFAULT 'published',
      provider_organization_id CHAR(36) NOT NULL,
      scope_region_id CHAR(36) NOT NULL,
      scope_path VARCHAR(400) NOT NULL,
      created_by CHAR(36) NOT NULL,
      version INT NOT NULL DEFAULT 1,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      INDEX idx_listings_status_scope (status, scope_path, created_at),
      INDEX idx_listings_provider (provider_organization_id, created_at),
      INDEX idx_listings_created (created_at),
      INDEX idx_listings_donation (donation_id),
      CONSTRAINT chk_listings_stock CHECK (stock IS NULL OR stock >= 0),
      CONSTRAINT chk_listings_price CHECK (points_price > 0),
      CONSTRAINT chk_listings_kind CHECK (kind IN ('goods', 'service', 'perk', 'honor')),
      CONSTRAINT chk_listings_status CHECK (status IN ('published', 'unpublished')),
      CONSTRAINT chk_listings_limit CHECK ((limit_count IS NULL) = (limit_period IS NULL)),
      CONSTRAINT chk_listings_window CHECK (valid_from IS NULL OR valid_until IS NULL OR valid_until > valid_from)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE listings');
  }
}
