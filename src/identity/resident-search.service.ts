import { Injectable } from '@nestjs/common';
import { Actor } from '../common/actor';
import { likeContains } from '../common/sql';
import { RegionsService } from '../regions/regions.service';
import { ResidentSearchQuery, ResidentSearchView } from './dto/resident-search.dto';
import { UsersRepository } from './users.repository';

/**
 * Finds residents for staff at a desk (award points, declare on someone's behalf): by part of the
 * name, the household number or the username, within the caller's region scope only. Active
 * residents; exact household numbers first, then names, at most 50.
 */
@Injectable()
export class ResidentSearchService {
  constructor(
    private readonly regions: RegionsService,
    private readonly users: UsersRepository,
  ) {}

  async search(actor: Actor, q: ResidentSearchQuery): Promise<ResidentSearchView> {
    const text = q.q.trim();
    if (!text) return { items: [] };
    let scope = actor.regionPath;
    if (q.communityId) scope = (await this.regions.getInScope(actor, q.communityId)).path;
    const rows = await this.users.searchResidents({
      like: likeContains(text),
      exact: text,
      regionIds: scope === null ? null : this.regions.idsUnder(scope),
      regionName: (col) => this.regions.regionNameSql(col),
      limit: q.limit ?? 20,
    });
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
