import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { affectedRows } from '../database/transaction.service';

/** A resident as an import creates them. */
export interface NewResident {
  id: string;
  username: string;
  displayName: string;
  householdNo: string | null;
  birthDate: string | null;
  phone: string | null;
}

/**
 * The statements of `users` that TypeORM's repository does not express: the conditional updates that
 * end a user's sessions (each bumps `token_version` in the same statement).
 */
@Injectable()
export class UsersRepository {
  /** Soft-deletes a user not deleted yet; whether it did. */
  async softDelete(tx: EntityManager, id: string, by: string): Promise<boolean> {
    return (
      affectedRows(
        await tx.query(
          `UPDATE users SET deleted_at = CURRENT_TIMESTAMP(3), active = 0, password_hash = NULL,
                  token_version = token_version + 1, status_changed_at = CURRENT_TIMESTAMP(3), status_changed_by = ?
            WHERE id = ? AND deleted_at IS NULL`,
          [by, id],
        ),
      ) > 0
    );
  }

  /** Sets the password hash of a user not deleted; whether it did. */
  async setPasswordHash(tx: EntityManager, id: string, hash: string): Promise<boolean> {
    return (
      affectedRows(
        await tx.query(
          'UPDATE users SET password_hash = ?, token_version = token_version + 1 WHERE id = ? AND deleted_at IS NULL',
          [hash, id],
        ),
      ) > 0
    );
  }

  /** Inserts residents of a community, without a password, in statements of 500 rows. */
  async insertResidents(tx: EntityManager, communityId: string, rows: NewResident[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500);
      await tx.query(
        `INSERT INTO users (id, username, password_hash, display_name, roles, region_id, organization_id, household_no, birth_date, phone, active)
         VALUES ${chunk.map(() => "(?, ?, NULL, ?, 'resident', ?, NULL, ?, ?, ?, 1)").join(', ')}`,
        chunk.flatMap((r) => [
          r.id,
          r.username,
          r.displayName,
          communityId,
          r.householdNo,
          r.birthDate,
          r.phone,
        ]),
      );
    }
  }

  /** Usernames of these that are taken. */
  async takenUsernames(tx: EntityManager, usernames: string[]): Promise<string[]> {
    const rows: Array<{ username: string }> = await tx.query(
      'SELECT username FROM users WHERE username IN (?)',
      [usernames],
    );
    return rows.map((r) => r.username);
  }
}
