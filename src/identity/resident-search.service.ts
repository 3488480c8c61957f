import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Actor } from '../common/actor';
import { likeContains } from '../catalog/catalog-rules';
import { RegionsService } from '../regions/regions.service';
import { ResidentSearchQuery, ResidentSearchView } from './dto/resident-search.dto';

/**
 * Finds residents for staff at a desk (award points, declare on someone's behalf): by part of the
 * name, the household number or the username, within the caller's region scope only. Active
 * residents; exact household numbers first, then names, at most 50.
 */
@Injectable()
export class ResidentSearchService {
  constructor(
    private readonly regions: RegionsService,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async search(actor: Actor, q: ResidentSearchQuery): Promise<ResidentSearchView> {
    const text = q.q.trim();
    if (!text) return { items: [] };
    let scope = actor.regionPath;
    if (q.communityId) scope = (await this.regions.getInScope(actor, q.communityId)).path;
    const like = likeContains(text);
    const params: unknown[] = [like, like, like];
    let where = `FIND_IN_SET('resident', u.roles) > 0 AND u.active = 1
      AND (u.display_name LIKE ? OR u.household_no LIKE ? OR u.username LIKE ?)`;
    const regions = scope === null ? null : this.regions.idsUnder(scope);
    where += regions ? ` AND u.region_id IN (${regions.sql})` : ' AND u.region_id IS NOT NULL';
    params.push(...(regions?.params ?? []));
    const rows: Array<{
      id: string;
      display_name: string;
      username: string;
      household_no: string | null;
      region_id: string;
      region_name: string | null;
    }> = await this.db.query(
      `SELECT u.id, u.display_name, u.username, u.household_no, u.region_id,
              ${this.regions.regionNameSql('u.region_id')} AS region_name
         FROM users u
        WHERE ${where}
        ORDER BY (u.household_no = ?) DESC, (u.display_name = ?) DESC, u.household_no, u.display_name, u.id
        LIMIT ?`,
      [...params, text, text, q.limit ?? 20],
    );
    return {
      items: rows.map((r) => ({
        id: r.id,
        displayName: r.display_name,
        username: r.username,
        householdNo: r.household_no,
        regionId: r.region_id,
        regionName: r.region_name,
      })),
    };
  }
}
