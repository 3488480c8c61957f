import { MigrationInterface, QueryRunner } from 'typeorm';

/** Orders, per-resident limit counters, vouchers and notifications. */
export class Orders1764900000000 implements MigrationInterface {
  name = 'Orders1764900000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE orders (
      id CHAR(36) NOT NULL,
      resident_id CHAR(36) NOT NULL,
      community_id CHAR(36) NOT NULL,
      listing_id CHAR(36) NOT NULL,
      provider_organization_id CHAR(36) NOT NULL,
      quantity INT NOT NULL,
      unit_points INT NOT NULL,
      total_points INT NOT NULL,
      status VARCHAR(12) NOT NULL,
      hold_transfer_id CHAR(36) NOT NULL,
      limit_period_key VARCHAR(16) NULL,
      expires_at DATETIME(3) NOT NULL,
      ready_at DATETIME(3) NULL,
      redeemed_at DATETIME(3) NULL,
      redeemed_by CHAR(36) NULL,
      redeemed_device VARCHAR(100) NULL,
      cancelled_at DATETIME(3) NULL,
      cancelled_by CHAR(36) NULL,
      cancel_reason VARCHAR(300) NULL,
      expired_at DATETIME(3) NULL,
      failed_reason VARCHAR(300) NULL,
      expiry_notified_at DATETIME(3) NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      INDEX idx_orders_resident (resident_id, created_at),
      INDEX idx_orders_listing (listing_id, status),
      INDEX idx_orders_provider (provider_organization_id, created_at),
      INDEX idx_orders_due (status, expires_at),
      CONSTRAINT chk_orders_quantity CHECK (quantity > 0)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE order_limit_counters (
      resident_id CHAR(36) NOT NULL,
      listing_id CHAR(36) NOT NULL,
      period_key VARCHAR(16) NOT NULL,
      used INT NOT NULL DEFAULT 0,
      PRIMARY KEY (resident_id, listing_id, period_key),
      CONSTRAINT chk_limit_used CHECK (used >= 0)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE vouchers (
      order_id CHAR(36) NOT NULL,
      kid CHAR(8) NOT NULL,
      code VARCHAR(200) NOT NULL,
      expires_at DATETIME(3) NOT NULL,
      issued_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      PRIMARY KEY (order_id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE notifications (
      id CHAR(36) NOT NULL,
      user_id CHAR(36) NOT NULL,
      kind VARCHAR(32) NOT NULL,
      title VARCHAR(200) NOT NULL,
      body VARCHAR(1000) NOT NULL,
      ref_type VARCHAR(32) NULL,
      ref_id VARCHAR(64) NULL,
      read_at DATETIME(3) NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      UNIQUE INDEX uq_notifications_event (user_id, kind, ref_id),
      INDEX idx_notifications_user (user_id, created_at)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const t of ['notifications', 'vouchers', 'order_limit_counters', 'orders'])
      await q.query(`DROP TABLE ${t}`);
  }
}
