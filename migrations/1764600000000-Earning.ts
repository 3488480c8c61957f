import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Earning: rule books, awards (with a snapshot of the rule), declarations, base-grant runs, per
 * community earning settings and per region credit thresholds. Points themselves live in the ledger.
 */
export class Earning1764600000000 implements MigrationInterface {
  name = 'Earning1764600000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE point_rules (
      id CHAR(36) NOT NULL,
      community_id CHAR(36) NOT NULL,
      parent_id CHAR(36) NULL,
      kind VARCHAR(16) NOT NULL,
      name VARCHAR(200) NOT NULL,
      points INT NULL,
      category VARCHAR(64) NULL,
      description VARCHAR(1000) NULL,
      sort_order INT NOT NULL DEFAULT 0,
      retired_at DATETIME(3) NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      INDEX idx_point_rules_community (community_id, parent_id),
      CONSTRAINT chk_point_rules_kind CHECK (kind IN ('indicator', 'item'))
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE declarations (
      id CHAR(36) NOT NULL,
      community_id CHAR(36) NOT NULL,
      resident_id CHAR(36) NOT NULL,
      rule_id CHAR(36) NOT NULL,
      rule_name VARCHAR(200) NOT NULL,
      rule_points INT NOT NULL,
      occurred_at DATETIME(3) NOT NULL,
      note VARCHAR(1000) NOT NULL,
      declared_by CHAR(36) NOT NULL,
      proxy TINYINT(1) NOT NULL DEFAULT 0,
      status VARCHAR(16) NOT NULL,
      reviewed_by CHAR(36) NULL,
      reviewed_at DATETIME(3) NULL,
      reject_reason VARCHAR(1000) NULL,
      award_id CHAR(36) NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      INDEX idx_declarations_community (community_id, status, created_at),
      INDEX idx_declarations_resident (resident_id, created_at),
      CONSTRAINT chk_declarations_status CHECK (status IN ('pending', 'approved', 'rejected'))
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE awards (
      id CHAR(36) NOT NULL,
      community_id CHAR(36) NOT NULL,
      resident_id CHAR(36) NOT NULL,
      rule_id CHAR(36) NOT NULL,
      points INT NOT NULL,
      rule_name VARCHAR(200) NOT NULL,
      rule_category VARCHAR(64) NULL,
      rule_description VARCHAR(1000) NULL,
      note VARCHAR(1000) NULL,
      declaration_id CHAR(36) NULL,
      awarded_by CHAR(36) NOT NULL,
      transfer_id CHAR(36) NOT NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      UNIQUE INDEX uq_awards_declaration (declaration_id),
      INDEX idx_awards_resident (resident_id, created_at),
      INDEX idx_awards_community (community_id, created_at)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE base_grant_runs (
      id CHAR(36) NOT NULL,
      community_id CHAR(36) NOT NULL,
      year INT NOT NULL,
      status VARCHAR(16) NOT NULL,
      points INT NOT NULL,
      granted INT NOT NULL DEFAULT 0,
      total INT NOT NULL DEFAULT 0,
      cursor_resident_id CHAR(36) NULL,
      error VARCHAR(1000) NULL,
      requested_by CHAR(36) NULL,
      started_at DATETIME(3) NULL,
      finished_at DATETIME(3) NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      UNIQUE INDEX uq_base_grant_runs (community_id, year),
      CONSTRAINT chk_base_grant_runs_status CHECK (status IN ('queued', 'running', 'done', 'failed'))
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE earning_settings (
      community_id CHAR(36) NOT NULL,
      yellow_clear_days INT NOT NULL DEFAULT 30,
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      PRIMARY KEY (community_id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE credit_thresholds (
      region_id CHAR(36) NOT NULL,
      aaa INT NOT NULL,
      aa INT NOT NULL,
      a INT NOT NULL,
      updated_by CHAR(36) NULL,
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      PRIMARY KEY (region_id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'credit_thresholds',
      'earning_settings',
      'base_grant_runs',
      'awards',
      'declarations',
      'point_rules',
    ]) {
      await q.query(`DROP TABLE ${t}`);
    }
  }
}
