import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Funding: donations (cash, in-kind goods, services), lots of in-kind and purchased goods (consumed
 * oldest first at redemption), which lots served which order, expenses from a community's fund, and
 * funding reports with their frozen versions and review trail. Money itself lives in the ledger.
 */
export class Funding1765200000000 implements MigrationInterface {
  name = 'Funding1765200000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE donations (
      id CHAR(36) NOT NULL,
      community_id CHAR(36) NOT NULL,
      kind VARCHAR(16) NOT NULL,
      source VARCHAR(32) NOT NULL,
      donor_organization_id CHAR(36) NULL,
      donor_name VARCHAR(150) NULL,
      amount_fen BIGINT NOT NULL,
      received_at DATETIME(3) NOT NULL,
      note VARCHAR(500) NULL,
      recorded_by CHAR(36) NOT NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      INDEX idx_donations_community (community_id, received_at),
      INDEX idx_donations_donor (donor_organization_id),
      CONSTRAINT chk_donations_kind CHECK (kind IN ('cash', 'in_kind', 'service')),
      CONSTRAINT chk_donations_amount CHECK (amount_fen >= 0)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE community_expenses (
      id CHAR(36) NOT NULL,
      community_id CHAR(36) NOT NULL,
      amount_fen BIGINT NOT NULL,
      purpose VARCHAR(300) NOT NULL,
      listing_id CHAR(36) NULL,
      quantity INT NULL,
      recorded_by CHAR(36) NOT NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      INDEX idx_community_expenses_community (community_id, created_at),
      CONSTRAINT chk_community_expenses_amount CHECK (amount_fen > 0)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE donation_lots (
      id CHAR(36) NOT NULL,
      donation_id CHAR(36) NULL,
      expense_id CHAR(36) NULL,
      community_id CHAR(36) NOT NULL,
      listing_id CHAR(36) NOT NULL,
      quantity INT NOT NULL,
      remaining INT NOT NULL,
      unit_value_fen BIGINT NOT NULL,
      received_at DATETIME(3) NOT NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      INDEX idx_donation_lots_listing (listing_id, received_at, id),
      INDEX idx_donation_lots_donation (donation_id),
      INDEX idx_donation_lots_expense (expense_id),
      CONSTRAINT chk_donation_lots_quantity CHECK (quantity > 0),
      CONSTRAINT chk_donation_lots_remaining CHECK (remaining >= 0 AND remaining <= quantity),
      CONSTRAINT chk_donation_lots_value CHECK (unit_value_fen >= 0)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE lot_consumptions (
      id CHAR(36) NOT NULL,
      lot_id CHAR(36) NOT NULL,
      order_id CHAR(36) NOT NULL,
      listing_id CHAR(36) NOT NULL,
      community_id CHAR(36) NOT NULL,
      order_community_id CHAR(36) NULL,
      quantity INT NOT NULL,
      unit_value_fen BIGINT NOT NULL,
      amount_fen BIGINT NOT NULL,
      transfer_id CHAR(36) NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      UNIQUE INDEX uq_lot_consumptions_order_lot (order_id, lot_id),
      INDEX idx_lot_consumptions_lot (lot_id),
      CONSTRAINT chk_lot_consumptions_quantity CHECK (quantity > 0)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE funding_reports (
      id CHAR(36) NOT NULL,
      region_id CHAR(36) NOT NULL,
      period_from DATETIME(3) NOT NULL,
      period_to DATETIME(3) NOT NULL,
      status VARCHAR(12) NOT NULL,
      review_status VARCHAR(12) NOT NULL DEFAULT 'draft',
      version INT NOT NULL DEFAULT 1,
      ready_version INT NULL,
      submitted_version INT NULL,
      error VARCHAR(500) NULL,
      requested_by CHAR(36) NOT NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      INDEX idx_funding_reports_region (region_id, created_at),
      CONSTRAINT chk_funding_reports_status CHECK (status IN ('queued', 'building', 'ready', 'failed')),
      CONSTRAINT chk_funding_reports_review CHECK (review_status IN ('draft', 'submitted', 'approved', 'returned')),
      CONSTRAINT chk_funding_reports_period CHECK (period_to > period_from)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE funding_report_versions (
      report_id CHAR(36) NOT NULL,
      version INT NOT NULL,
      figures LONGTEXT NOT NULL,
      content_hash CHAR(64) NOT NULL,
      build_ms INT NOT NULL DEFAULT 0,
      built_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      PRIMARY KEY (report_id, version)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE funding_report_reviews (
      id CHAR(36) NOT NULL,
      report_id CHAR(36) NOT NULL,
      version INT NOT NULL,
      action VARCHAR(12) NOT NULL,
      from_status VARCHAR(12) NOT NULL,
      to_status VARCHAR(12) NOT NULL,
      actor_id CHAR(36) NOT NULL,
      actor_name VARCHAR(100) NOT NULL,
      comment VARCHAR(1000) NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      INDEX idx_funding_report_reviews_report (report_id, created_at)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE funding_report_reviews');
    await q.query('DROP TABLE funding_report_versions');
    await q.query('DROP TABLE funding_reports');
    await q.query('DROP TABLE lot_consumptions');
    await q.query('DROP TABLE donation_lots');
    await q.query('DROP TABLE community_expenses');
    await q.query('DROP TABLE donations');
  }
}
