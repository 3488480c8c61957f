import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { likePrefix, SqlFragment } from '../common/sql';

/** The statements of the regions module that TypeORM's repositories do not express. */
@Injectable()
export class RegionsRepository {
  /** `id` of every region whose path starts with `pathPrefix` (a region and everything below it). */
  idsUnder(pathPrefix: string): SqlFragment {
    return {
      sql: 'SELECT id FROM regions WHERE path LIKE ?',
      params: [likePrefix(pathPrefix)],
    };
  }

  /**
   * Scalar subqueries to select beside another module's columns: the path or name of the region
   * whose id is in `regionIdColumn`, the path of the region of the organisation in `orgIdColumn`
   * (NULL when there is none). The column names are the caller's constants, never input.
   */
  pathOf(regionIdColumn: string): string {
    return `(SELECT path FROM regions WHERE id = ${regionIdColumn})`;
  }

  nameOf(regionIdColumn: string): string {
    return `(SELECT name FROM regions WHERE id = ${regionIdColumn})`;
  }

  organizationPathOf(orgIdColumn: string): string {
    return `(SELECT r.path FROM organizations o JOIN regions r ON r.id = o.region_id WHERE o.id = ${orgIdColumn})`;
  }

  async organizationPath(tx: EntityManager, organizationId: string): Promise<string | null> {
    const rows: Array<{ path: string }> = await tx.query(`SELECT ${this.organizationPathOf('?')} AS path`, [
      organizationId,
    ]);
    return rows[0]?.path ?? null;
  }

  /** Creates a community's profile with the defaults unless it exists (and locks it either way). */
  async ensureProfile(tx: EntityManager, communityId: string): Promise<void> {
    await tx.query(
      'INSERT INTO community_profiles (region_id, base_grant_points) VALUES (?, 100) ON DUPLICATE KEY UPDATE region_id = region_id',
      [communityId],
    );
  }
}
