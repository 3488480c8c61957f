import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Time storage (时间储蓄): mutual-aid requests (asked, claimed by a volunteer, completed with the
 * minutes spent, confirmed by the person helped or a grid worker, or cancelled) and each
 * community's cap on stored minutes per resident. The minutes themselves live in the ledger
 * (TIME_MINUTES).
 */
export class MutualAid1765500000000 implements MigrationInterface {
  name = 'MutualAid1765500000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE mutual_aid_requests (
      id CHAR(36) NOT NULL,
      community_id CHAR(36) NOT NULL,
      resident_id CHAR(36) NOT NULL,
      requested_by CHAR(36) NOT NULL,
      kind VARCHAR(32) NOT NULL,
      description VARCHAR(1000) NOT NULL,
      wanted_at DATETIME(3) NOT NULL,
      minutes INT NOT NULL,
      pay_with_stored_time TINYINT(1) NOT NULL DEFAULT 0,
      status VARCHAR(16) NOT NULL,
      volunteer_id CHAR(36) NULL,
      claimed_at DATETIME(3) NULL,
      hold_transfer_id CHAR(36) NULL,
      held_minutes INT NULL,
      completed_minutes INT NULL,
      completed_at DATETIME(3) NULL,
      confirmed_by CHAR(36) NULL,
      confirmed_at DATETIME(3) NULL,
      credited_minutes INT NULL,
      cancelled_by CHAR(36) NULL,
      cancelled_at DATETIME(3) NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      INDEX idx_mutual_aid_community (community_id, status, created_at),
      INDEX idx_mutual_aid_resident (resident_id, created_at),
      INDEX idx_mutual_aid_volunteer (volunteer_id, created_at),
      CONSTRAINT chk_mutual_aid_status CHECK (status IN ('open', 'claimed', 'completed', 'confirmed', 'cancelled'))
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query('ALTER TABLE community_profiles ADD COLUMN max_stored_minutes INT NOT NULL DEFAULT 90000');
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE community_profiles DROP COLUMN max_stored_minutes');
    await q.query('DROP TABLE mutual_aid_requests');
  }
}
