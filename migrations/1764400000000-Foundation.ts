import { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1764400000000 implements MigrationInterface {
  name = 'Foundation1764400000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE regions (
      id CHAR(36) NOT NULL,
      name VARCHAR(100) NOT NULL,
      kind VARCHAR(16) NOT NULL,
      parent_id CHAR(36) NULL,
      path VARCHAR(400) NOT NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      INDEX idx_regions_path (path)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE organizations (
      id CHAR(36) NOT NULL,
      name VARCHAR(150) NOT NULL,
      type VARCHAR(32) NOT NULL,
      region_id CHAR(36) NOT NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      INDEX idx_organizations_region (region_id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE community_profiles (
      region_id CHAR(36) NOT NULL,
      population INT NULL,
      households INT NULL,
      collective_income_fen BIGINT NULL,
      base_grant_points INT NOT NULL DEFAULT 100,
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      PRIMARY KEY (region_id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE users (
      id CHAR(36) NOT NULL,
      username VARCHAR(64) NOT NULL,
      password_hash VARCHAR(255) NULL,
      display_name VARCHAR(100) NOT NULL,
      roles TEXT NOT NULL,
      region_id CHAR(36) NULL,
      organization_id CHAR(36) NULL,
      household_no VARCHAR(64) NULL,
      birth_date DATE NULL,
      phone VARCHAR(32) NULL,
      active TINYINT(1) NOT NULL DEFAULT 1,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      UNIQUE INDEX uq_users_username (username),
      INDEX idx_users_region (region_id),
      INDEX idx_users_org (organization_id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE login_failures (
      username VARCHAR(64) NOT NULL,
      failures INT NOT NULL,
      window_started_at DATETIME(3) NOT NULL,
      PRIMARY KEY (username)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE idempotency_keys (
      scope VARCHAR(150) NOT NULL,
      idem_key VARCHAR(128) NOT NULL,
      request_hash CHAR(64) NOT NULL,
      response_status INT NULL,
      response_body LONGTEXT NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      PRIMARY KEY (scope, idem_key)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE outbox (
      id CHAR(36) NOT NULL,
      queue VARCHAR(64) NOT NULL,
      name VARCHAR(64) NOT NULL,
      payload LONGTEXT NOT NULL,
      available_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      sent_at DATETIME(3) NULL,
      attempts INT NOT NULL DEFAULT 0,
      last_error VARCHAR(500) NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      INDEX idx_outbox_unsent (sent_at, available_at)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'outbox',
      'idempotency_keys',
      'login_failures',
      'users',
      'community_profiles',
      'organizations',
      'regions',
    ]) {
      await q.query(`DROP TABLE ${t}`);
    }
  }
}
