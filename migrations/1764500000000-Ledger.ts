import { MigrationInterface, QueryRunner } from 'typeorm';

/** The double-entry ledger (TigerBeetle semantics kept in MySQL). Names are fixed for outside audits. */
export class Ledger1764500000000 implements MigrationInterface {
  name = 'Ledger1764500000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE accounts (
      id CHAR(36) NOT NULL,
      ledger VARCHAR(16) NOT NULL,
      kind VARCHAR(32) NOT NULL,
      owner_type VARCHAR(16) NOT NULL,
      owner_id VARCHAR(64) NOT NULL,
      sub VARCHAR(64) NOT NULL DEFAULT '',
      flags INT NOT NULL DEFAULT 0,
      debits_pending BIGINT NOT NULL DEFAULT 0,
      debits_posted BIGINT NOT NULL DEFAULT 0,
      credits_pending BIGINT NOT NULL DEFAULT 0,
      credits_posted BIGINT NOT NULL DEFAULT 0,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      UNIQUE INDEX uq_accounts_owner (ledger, kind, owner_type, owner_id, sub),
      INDEX idx_accounts_owner (owner_type, owner_id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE transfers (
      id CHAR(36) NOT NULL,
      ledger VARCHAR(16) NOT NULL,
      debit_account_id CHAR(36) NOT NULL,
      credit_account_id CHAR(36) NOT NULL,
      amount BIGINT NOT NULL,
      phase VARCHAR(8) NOT NULL,
      pending_id CHAR(36) NULL,
      code VARCHAR(32) NOT NULL,
      ref_type VARCHAR(32) NULL,
      ref_id VARCHAR(64) NULL,
      exempt TINYINT(1) NOT NULL DEFAULT 0,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      UNIQUE INDEX uq_transfers_pending (pending_id),
      INDEX idx_transfers_debit (debit_account_id, created_at),
      INDEX idx_transfers_credit (credit_account_id, created_at),
      INDEX idx_transfers_ref (ref_type, ref_id),
      INDEX idx_transfers_code (ledger, code, created_at),
      CONSTRAINT chk_transfers_amount CHECK (amount >= 0),
      CONSTRAINT chk_transfers_phase CHECK (phase IN ('single', 'pending', 'post', 'void'))
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE transfers');
    await q.query('DROP TABLE accounts');
  }
}
