import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Hardening of identity and signing:
 * - users: a token version (bumped by every change that must end the user's sessions), soft
 *   deletion and who last changed the account's status;
 * - login_devices: devices that logged in before (their own failure count, so other people's wrong
 *   guesses never lock them out);
 * - login_address_failures: failed logins per client address (password spraying);
 * - app_secrets: secrets the application generates for itself (the development JWT secret),
 *   encrypted like the signing keys;
 * - signing_keys.city_id: one key chain per city ('' = the platform's chain, which signed every
 *   code before per-city keys and keeps verifying them).
 */
export class Security1765320000000 implements MigrationInterface {
  name = 'Security1765320000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users
      ADD COLUMN token_version INT NOT NULL DEFAULT 0,
      ADD COLUMN deleted_at DATETIME(3) NULL,
      ADD COLUMN status_changed_at DATETIME(3) NULL,
      ADD COLUMN status_changed_by CHAR(36) NULL`);
    await q.query(`CREATE TABLE login_devices (
      id CHAR(36) NOT NULL,
      user_id CHAR(36) NOT NULL,
      token_hash CHAR(64) NOT NULL,
      failures INT NOT NULL DEFAULT 0,
      window_started_at DATETIME(3) NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      last_login_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      UNIQUE INDEX uq_login_devices_token (token_hash),
      INDEX idx_login_devices_user (user_id, last_login_at)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE login_address_failures (
      address VARCHAR(64) NOT NULL,
      failures INT NOT NULL,
      window_started_at DATETIME(3) NOT NULL,
      PRIMARY KEY (address)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE app_secrets (
      name VARCHAR(64) NOT NULL,
      value_enc TEXT NOT NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      PRIMARY KEY (name)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`ALTER TABLE signing_keys
      ADD COLUMN city_id CHAR(36) NOT NULL DEFAULT '',
      DROP INDEX uq_signing_keys_active,
      ADD UNIQUE INDEX uq_signing_keys_active (city_id, active_marker)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    // Keys of every city but one would collide on the single-key index: keep only the platform's active.
    await q.query(
      `UPDATE signing_keys SET status = 'retired', active_marker = NULL, retired_at = COALESCE(retired_at, CURRENT_TIMESTAMP(3))
        WHERE city_id <> '' AND active_marker = 1`,
    );
    await q.query(`ALTER TABLE signing_keys
      DROP INDEX uq_signing_keys_active,
      DROP COLUMN city_id,
      ADD UNIQUE INDEX uq_signing_keys_active (active_marker)`);
    await q.query('DROP TABLE app_secrets');
    await q.query('DROP TABLE login_address_failures');
    await q.query('DROP TABLE login_devices');
    await q.query(`ALTER TABLE users
      DROP COLUMN status_changed_by,
      DROP COLUMN status_changed_at,
      DROP COLUMN deleted_at,
      DROP COLUMN token_version`);
  }
}
