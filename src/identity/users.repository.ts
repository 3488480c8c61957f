import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { SqlFragment } from '../common/sql';
import { affectedRows } from '../database/transaction.service';

/** A user as raw reads select it (`USER_COLUMNS`). */
export interface UserRow {
  id: string;
  username: string;
  display_name: string;
  roles: string;
  region_id: string | null;
  organization_id: string | null;
  household_no: string | null;
  active: number | boolean;
  deleted_at: Date | null;
  token_version: number | string;
}

/** The one column list of `users` that raw reads select (as `u`). */
const USER_COLUMNS = `u.id, u.username, u.display_name, u.roles, u.region_id, u.organization_id, u.household_no,
  u.active, u.deleted_at, u.token_version`;

/** A user with the region paths their scope comes from. */
export type UserStateRow = UserRow & { region_path: string | null; org_region_path: string | null };

/** A resident found by a search, with the name of their region. */
export type ResidentMatchRow = UserRow & { region_id: string; region_name: string | null };

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
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * A user with the paths of their region and of their organisation's region, as scalar subqueries
   * over the region id columns that the regions module publishes (`RegionsService.regionPathSql`).
   */
  async findState(
    id: string,
    paths: { regionPath: (col: string) => string; organizationPath: (col: string) => string },
  ): Promise<UserStateRow | undefined> {
    const rows: UserStateRow[] = await this.db.query(
      `SELECT ${USER_COLUMNS}, ${paths.regionPath('u.region_id')} AS region_path,
              ${paths.organizationPath('u.organization_id')} AS org_region_path
         FROM users u WHERE u.id = ?`,
      [id],
    );
    return rows[0];
  }

  /**
   * Active residents whose name, household number or username contains `like` (a LIKE pattern), in
   * the regions of `regionIds` (any region when null): exact household numbers first, then names.
   */
  searchResidents(q: {
    like: string;
    exact: string;
    regionIds: SqlFragment | null;
    regionName: (col: string) => string;
    limit: number;
  }): Promise<ResidentMatchRow[]> {
    const region = q.regionIds ? `u.region_id IN (${q.regionIds.sql})` : 'u.region_id IS NOT NULL';
    return this.db.query(
      `SELECT ${USER_COLUMNS}, ${q.regionName('u.region_id')} AS region_name
         FROM users u
        WHERE FIND_IN_SET('resident', u.roles) > 0 AND u.active = 1
          AND (u.display_name LIKE ? OR u.household_no LIKE ? OR u.username LIKE ?) AND ${region}
        ORDER BY (u.household_no = ?) DESC, (u.display_name = ?) DESC, u.household_no, u.display_name, u.id
        LIMIT ?`,
      [q.like, q.like, q.like, ...(q.regionIds?.params ?? []), q.exact, q.exact, q.limit],
    );
  }
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
