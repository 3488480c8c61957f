import { MigrationInterface, QueryRunner } from 'typeorm';

export class Signing1764800000000 implements MigrationInterface {
  name = 'Signing1764800000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE signing_keys (
      kid CHAR(8) NOT NULL,
      public_key VARCHAR(64) NOT NULL,
      private_key_enc TEXT NOT NULL,
      status VARCHAR(10) NOT NULL,
      active_marker TINYINT NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      retired_at DATETIME(3) NULL,
      revoked_at DATETIME(3) NULL,
      PRIMARY KEY (kid),
      UNIQUE INDEX uq_signing_keys_active (active_marker)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE signing_keys');
  }
}
