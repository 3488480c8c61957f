import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { SqlFragment } from '../common/sql';

/** An active resident: the users that earning counts, grants and ranks. */
const ACTIVE_RESIDENT = "active = 1 AND FIND_IN_SET('resident', roles) > 0";

/** What other modules read about residents (earning: base grants, rankings, boards, declarations). */
@Injectable()
export class ResidentDirectory {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * `(id, display_name, region_id)` of the active residents whose region is one of `regionIds` (a
   * subquery of region ids), or of one community: a subquery to join on `id`.
   */
  activeResidents(where: { communityId: string } | { regionIds: SqlFragment }): SqlFragment {
    const region =
      'communityId' in where
        ? { sql: 'region_id = ?', params: [where.communityId] }
        : { sql: `region_id IN (${where.regionIds.sql})`, params: where.regionIds.params };
    return {
      sql: `SELECT id, display_name, region_id FROM users WHERE ${ACTIVE_RESIDENT} AND ${region.sql}`,
      params: region.params,
    };
  }

  /** How many active residents live in a community. */
  async countIn(tx: EntityManager, communityId: string): Promise<number> {
    const [{ n }]: Array<{ n: number | string }> = await tx.query(
      `SELECT COUNT(*) AS n FROM users WHERE region_id = ? AND ${ACTIVE_RESIDENT}`,
      [communityId],
    );
    return Number(n);
  }

  /** The next `limit` active residents of a community after `afterId`, by id. */
  async idsAfter(tx: EntityManager, communityId: string, afterId: string, limit: number): Promise<string[]> {
    const rows: Array<{ id: string }> = await tx.query(
      `SELECT id FROM users WHERE region_id = ? AND ${ACTIVE_RESIDENT} AND id > ? ORDER BY id LIMIT ?`,
      [communityId, afterId, limit],
    );
    return rows.map((r) => r.id);
  }

  /**
   * The region path of a user's region (null for a user of no region, undefined for no such user),
   * through the regions module's published path subquery.
   */
  async regionPathOf(
    tx: EntityManager,
    userId: string,
    regionPathSql: (col: string) => string,
  ): Promise<string | null | undefined> {
    const rows: Array<{ path: string | null }> = await tx.query(
      `SELECT ${regionPathSql('u.region_id')} AS path FROM users u WHERE u.id = ?`,
      [userId],
    );
    return rows[0] ? rows[0].path : undefined;
  }

  /** Display names of these users (deleted ones included), by id. */
  async displayNames(userIds: string[]): Promise<Map<string, string>> {
    const unique = [...new Set(userIds)];
    if (!unique.length) return new Map();
    const rows: Array<{ id: string; display_name: string }> = await this.db.query(
      'SELECT id, display_name FROM users WHERE id IN (?)',
      [unique],
    );
    return new Map(rows.map((r) => [r.id, r.display_name]));
  }
}
