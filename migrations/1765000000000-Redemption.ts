import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Redemption at the counter: captures (one per order), offline scans and the disputes they raise,
 * per-organisation offline allowances and the scan audit trail.
 */
export class Redemption1765000000000 implements MigrationInterface {
  name = 'Redemption1765000000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE redemptions (
      id CHAR(36) NOT NULL,
      order_id CHAR(36) NOT NULL,
      organization_id CHAR(36) NOT NULL,
      listing_id CHAR(36) NOT NULL,
      resident_id CHAR(36) NOT NULL,
      community_id CHAR(36) NOT NULL,
      points INT NOT NULL,
      redeemed_by CHAR(36) NOT NULL,
      device_id VARCHAR(100) NULL,
      channel VARCHAR(8) NOT NULL,
      scan_id VARCHAR(100) NULL,
      scanned_at DATETIME(3) NOT NULL,
      capture_transfer_id CHAR(36) NOT NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      UNIQUE INDEX uq_redemptions_order (order_id),
      INDEX idx_redemptions_org (organization_id, created_at),
      INDEX idx_redemptions_listing (organization_id, listing_id, created_at),
      INDEX idx_redemptions_device (organization_id, device_id, created_at),
      CONSTRAINT chk_redemptions_channel CHECK (channel IN ('online', 'offline'))
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE offline_scans (
      id CHAR(36) NOT NULL,
      organization_id CHAR(36) NOT NULL,
      device_id VARCHAR(100) NOT NULL,
      scan_id VARCHAR(100) NOT NULL,
      order_id CHAR(36) NULL,
      status VARCHAR(10) NOT NULL,
      reason VARCHAR(200) NULL,
      scanned_at DATETIME(3) NOT NULL,
      received_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      over_allowance TINYINT(1) NOT NULL DEFAULT 0,
      uploaded_by CHAR(36) NOT NULL,
      PRIMARY KEY (id),
      UNIQUE INDEX uq_offline_scans_scan (organization_id, device_id, scan_id),
      INDEX idx_offline_scans_order (order_id),
      CONSTRAINT chk_offline_scans_status CHECK (status IN ('accepted', 'conflict', 'invalid'))
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE redemption_disputes (
      id CHAR(36) NOT NULL,
      organization_id CHAR(36) NOT NULL,
      order_id CHAR(36) NOT NULL,
      community_id CHAR(36) NOT NULL,
      offline_scan_id CHAR(36) NOT NULL,
      device_id VARCHAR(100) NOT NULL,
      kind VARCHAR(20) NOT NULL,
      status VARCHAR(10) NOT NULL DEFAULT 'open',
      resolution VARCHAR(24) NULL,
      note VARCHAR(500) NULL,
      resolved_by CHAR(36) NULL,
      resolved_at DATETIME(3) NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      UNIQUE INDEX uq_redemption_disputes_scan (offline_scan_id),
      INDEX idx_redemption_disputes_org (organization_id, status, created_at),
      INDEX idx_redemption_disputes_community (community_id, status, created_at),
      INDEX idx_redemption_disputes_order (order_id),
      CONSTRAINT chk_redemption_disputes_kind CHECK (kind IN ('already_redeemed', 'cancelled', 'expired')),
      CONSTRAINT chk_redemption_disputes_status CHECK (status IN ('open', 'resolved'))
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE offline_allowances (
      organization_id CHAR(36) NOT NULL,
      max_scans INT NOT NULL,
      max_points INT NOT NULL,
      bundle_ttl_seconds INT NOT NULL,
      updated_by CHAR(36) NULL,
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      PRIMARY KEY (organization_id),
      CONSTRAINT chk_offline_allowances CHECK (max_scans >= 0 AND max_points >= 0 AND bundle_ttl_seconds > 0)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE scan_audit (
      id CHAR(36) NOT NULL,
      actor_id CHAR(36) NOT NULL,
      organization_id CHAR(36) NULL,
      device_id VARCHAR(100) NULL,
      outcome VARCHAR(32) NOT NULL,
      order_id CHAR(36) NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      INDEX idx_scan_audit_org (organization_id, created_at),
      INDEX idx_scan_audit_actor (actor_id, created_at)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'scan_audit',
      'offline_allowances',
      'redemption_disputes',
      'offline_scans',
      'redemptions',
    ])
      await q.query(`DROP TABLE ${t}`);
  }
}
