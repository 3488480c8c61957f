import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Appeals against deductions (申诉) and the public notice log (公示):
 * - awards: when a deduction was reversed (an upheld appeal) and by which transfer; found by its
 *   transfer (an appeal names the deduction's transfer);
 * - appeals: one per appeal; `open_key` holds the deduction's transfer id while the appeal is
 *   pending, so a deduction has at most one open appeal (UNIQUE);
 * - notice_chains: the head of each community's hash chain (the row appends lock);
 * - notices: the append-only, hash-chained log, `seq` 1, 2, ... per community;
 * - notice_objections: residents' objections to a notice within its display period.
 */
export class AppealsNotices1765600000000 implements MigrationInterface {
  name = 'AppealsNotices1765600000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE awards
      ADD COLUMN reversed_at DATETIME(3) NULL,
      ADD COLUMN reversal_transfer_id CHAR(36) NULL,
      ADD INDEX idx_awards_transfer (transfer_id)`);
    await q.query(`CREATE TABLE appeals (
      id CHAR(36) NOT NULL,
      community_id CHAR(36) NOT NULL,
      resident_id CHAR(36) NOT NULL,
      award_id CHAR(36) NOT NULL,
      transfer_id CHAR(36) NOT NULL,
      points INT NOT NULL,
      rule_name VARCHAR(200) NOT NULL,
      deducted_by CHAR(36) NOT NULL,
      reason VARCHAR(1000) NOT NULL,
      status VARCHAR(16) NOT NULL,
      open_key CHAR(36) NULL,
      decided_by CHAR(36) NULL,
      decided_at DATETIME(3) NULL,
      decision_comment VARCHAR(1000) NULL,
      reversal_transfer_id CHAR(36) NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      UNIQUE INDEX uq_appeals_open (open_key),
      INDEX idx_appeals_community (community_id, status, created_at),
      INDEX idx_appeals_resident (resident_id, created_at),
      INDEX idx_appeals_transfer (transfer_id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE notice_chains (
      community_id CHAR(36) NOT NULL,
      length INT NOT NULL DEFAULT 0,
      head_hash CHAR(64) NOT NULL,
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      PRIMARY KEY (community_id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE notices (
      community_id CHAR(36) NOT NULL,
      seq INT NOT NULL,
      kind VARCHAR(32) NOT NULL,
      summary VARCHAR(500) NOT NULL,
      ref_type VARCHAR(32) NOT NULL,
      ref_id VARCHAR(64) NOT NULL,
      created_at DATETIME(3) NOT NULL,
      prev_hash CHAR(64) NOT NULL,
      hash CHAR(64) NOT NULL,
      PRIMARY KEY (community_id, seq),
      INDEX idx_notices_ref (ref_type, ref_id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE notice_objections (
      id CHAR(36) NOT NULL,
      community_id CHAR(36) NOT NULL,
      seq INT NOT NULL,
      resident_id CHAR(36) NOT NULL,
      reason VARCHAR(1000) NOT NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      UNIQUE INDEX uq_notice_objections_resident (community_id, seq, resident_id),
      INDEX idx_notice_objections_community (community_id, created_at)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE notice_objections');
    await q.query('DROP TABLE notices');
    await q.query('DROP TABLE notice_chains');
    await q.query('DROP TABLE appeals');
    await q.query(`ALTER TABLE awards
      DROP INDEX idx_awards_transfer,
      DROP COLUMN reversal_transfer_id,
      DROP COLUMN reversed_at`);
  }
}
