import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Entitlements: per-region policies, yearly use counters, each resident's unpaid deferred amount
 * (treat first, pay later) and the uses recorded at hospitals and canteens.
 */
export class Entitlements1765100000000 implements MigrationInterface {
  name = 'Entitlements1765100000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE entitlement_policies (
      region_id CHAR(36) NOT NULL,
      kind VARCHAR(32) NOT NULL,
      min_credit_level VARCHAR(4) NOT NULL,
      yearly_quota INT NULL,
      max_outstanding_fen BIGINT NULL,
      discount_percent INT NULL,
      overdue_after_days INT NULL,
      updated_by CHAR(36) NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      PRIMARY KEY (region_id, kind),
      CONSTRAINT chk_entitlement_policy_quota CHECK (yearly_quota IS NULL OR yearly_quota >= 0),
      CONSTRAINT chk_entitlement_policy_cap CHECK (max_outstanding_fen IS NULL OR max_outstanding_fen >= 0),
      CONSTRAINT chk_entitlement_policy_discount CHECK (discount_percent IS NULL OR discount_percent BETWEEN 1 AND 100),
      CONSTRAINT chk_entitlement_policy_overdue CHECK (overdue_after_days IS NULL OR overdue_after_days >= 1)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE entitlement_counters (
      resident_id CHAR(36) NOT NULL,
      kind VARCHAR(32) NOT NULL,
      period_year SMALLINT NOT NULL,
      used INT NOT NULL DEFAULT 0,
      PRIMARY KEY (resident_id, kind, period_year),
      CONSTRAINT chk_entitlement_counter_used CHECK (used >= 0)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE entitlement_balances (
      resident_id CHAR(36) NOT NULL,
      outstanding_fen BIGINT NOT NULL DEFAULT 0,
      overdue_count INT NOT NULL DEFAULT 0,
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      PRIMARY KEY (resident_id),
      CONSTRAINT chk_entitlement_balance_outstanding CHECK (outstanding_fen >= 0),
      CONSTRAINT chk_entitlement_balance_overdue CHECK (overdue_count >= 0)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE entitlement_uses (
      id CHAR(36) NOT NULL,
      kind VARCHAR(32) NOT NULL,
      status VARCHAR(12) NOT NULL,
      resident_id CHAR(36) NOT NULL,
      community_id CHAR(36) NOT NULL,
      region_path VARCHAR(400) NOT NULL,
      organization_id CHAR(36) NOT NULL,
      recorded_by CHAR(36) NOT NULL,
      period_year SMALLINT NOT NULL,
      credit_level VARCHAR(4) NOT NULL,
      policy_region_id CHAR(36) NULL,
      amount_fen BIGINT NULL,
      discount_percent INT NULL,
      due_at DATETIME(3) NULL,
      overdue_at DATETIME(3) NULL,
      settled_at DATETIME(3) NULL,
      settled_by CHAR(36) NULL,
      settle_note VARCHAR(300) NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      INDEX idx_entitlement_uses_org (organization_id, created_at),
      INDEX idx_entitlement_uses_region (region_path, created_at),
      INDEX idx_entitlement_uses_resident (resident_id, kind, status),
      INDEX idx_entitlement_uses_due (status, due_at),
      CONSTRAINT chk_entitlement_use_amount CHECK (amount_fen IS NULL OR amount_fen > 0)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'entitlement_uses',
      'entitlement_balances',
      'entitlement_counters',
      'entitlement_policies',
    ])
      await q.query(`DROP TABLE ${t}`);
  }
}
