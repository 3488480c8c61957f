import { Injectable } from '@nestjs/common';
import { EntityManager, In, Like } from 'typeorm';
import { OrganizationEntity } from './entities/organization.entity';
import { RegionEntity } from './entities/region.entity';

/** The regions' side of redemption: organisations' names, and the regions under a region path. */
@Injectable()
export class RedemptionPlacesQueries {
  async organizationNames(tx: EntityManager, organizationIds: Array<string | null>): Promise<Map<string, string>> {
    const ids = [...new Set(organizationIds.filter((id): id is string => !!id))];
    const rows = ids.length
      ? await tx.getRepository(OrganizationEntity).find({ select: { id: true, name: true }, where: { id: In(ids) } })
      : [];
    return new Map(rows.map((o) => [o.id, o.name]));
  }

  /** The ids of the region at `path` and of every region below it. */
  async regionIdsUnder(tx: EntityManager, path: string): Promise<string[]> {
    const rows = await tx.getRepository(RegionEntity).find({
      select: { id: true },
      where: { path: Like(`${path.replace(/[\\%_]/g, (c) => `\\${c}`)}%`) },
    });
    return rows.map((r) => r.id);
  }
}
