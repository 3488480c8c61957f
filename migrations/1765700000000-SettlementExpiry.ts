import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * City-wide settlement (通兑) and points expiry: a community's value of a point in fen
 * (`community_profiles.point_value_fen`), the closes of a month per region and the frozen lines
 * (one per period, paying community and provider), how many years a community's points stay valid
 * (`earning_settings.points_valid_years`, NULL = never expire) and the expiry runs.
 */
export class SettlementExpiry1765700000000 implements MigrationInterface {
  name = 'SettlementExpiry1765700000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE community_profiles ADD COLUMN point_value_fen INT NOT NULL DEFAULT 100`);
    await q.query(`ALTER TABLE earning_settings ADD COLUMN points_valid_years INT NULL`);
    await q.query(`CREATE TABLE settlement_closes (
      region_id CHAR(36) NOT NULL,
      period CHAR(7) NOT NULL,
      closed_by CHAR(36) NOT NULL,
      closed_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      PRIMARY KEY (region_id, period)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE settlement_lines (
      id CHAR(36) NOT NULL,
      period CHAR(7) NOT NULL,
      payer_community_id CHAR(36) NOT NULL,
      provider_organization_id CHAR(36) NOT NULL,
      points BIGINT NOT NULL,
      point_value_fen INT NOT NULL,
      amount_fen BIGINT NOT NULL,
      status VARCHAR(8) NOT NULL,
      code VARCHAR(32) NULL,
      transfer_id CHAR(36) NULL,
      closed_by_region_id CHAR(36) NOT NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      UNIQUE INDEX uq_settlement_lines (period, payer_community_id, provider_organization_id),
      INDEX idx_settlement_lines_provider (provider_organization_id, period),
      CONSTRAINT chk_settlement_lines_status CHECK (status IN ('open', 'paid', 'unpaid')),
      CONSTRAINT chk_settlement_lines_amount CHECK (points >= 0 AND amount_fen >= 0)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE points_expiry_runs (
      id CHAR(36) NOT NULL,
      community_id CHAR(36) NOT NULL,
      as_of DATETIME(3) NOT NULL,
      cut_year INT NOT NULL,
      valid_years INT NOT NULL,
      status VARCHAR(16) NOT NULL,
      residents_expired INT NOT NULL DEFAULT 0,
      points_expired BIGINT NOT NULL DEFAULT 0,
      cursor_resident_id CHAR(36) NULL,
      error VARCHAR(1000) NULL,
      requested_by CHAR(36) NULL,
      started_at DATETIME(3) NULL,
      finished_at DATETIME(3) NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      UNIQUE INDEX uq_points_expiry_runs (community_id, as_of),
      CONSTRAINT chk_points_expiry_runs_status CHECK (status IN ('queued', 'running', 'done', 'failed'))
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE points_expiry_runs');
    await q.query('DROP TABLE settlement_lines');
    await q.query('DROP TABLE settlement_closes');
    await q.query('ALTER TABLE earning_settings DROP COLUMN points_valid_years');
    await q.query('ALTER TABLE community_profiles DROP COLUMN point_value_fen');
  }
}
