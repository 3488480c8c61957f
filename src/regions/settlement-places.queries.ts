import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** A provider organisation as settlement reads it: where it is based. */
export interface SettlementProvider {
  id: string;
  name: string;
  regionId: string;
}

/** A paying community: its place in the tree and what one of its points is worth. */
export interface SettlementPayer {
  id: string;
  name: string;
  path: string;
  pointValueFen: number;
}

/** The regions module's reads for city-wide settlement (通兑), on `tx`. */
@Injectable()
export class SettlementPlacesQueries {
  async providers(tx: EntityManager, organizationIds: string[]): Promise<Map<string, SettlementProvider>> {
    if (!organizationIds.length) return new Map();
    const rows: Array<{ id: string; name: string; region_id: string }> = await tx.query(
      'SELECT id, name, region_id FROM organizations WHERE id IN (?)',
      [[...new Set(organizationIds)]],
    );
    return new Map(rows.map((r) => [r.id, { id: r.id, name: r.name, regionId: r.region_id }]));
  }

  /** Communities (or villages) with their point value (100 fen without a profile row). */
  async payers(tx: EntityManager, communityIds: string[]): Promise<Map<string, SettlementPayer>> {
    if (!communityIds.length) return new Map();
    const rows: Array<{ id: string; name: string; path: string; point_value_fen: number | string | null }> =
      await tx.query(
        `SELECT r.id, r.name, r.path, p.point_value_fen FROM regions r
           LEFT JOIN community_profiles p ON p.region_id = r.id WHERE r.id IN (?)`,
        [[...new Set(communityIds)]],
      );
    return new Map(
      rows.map((r) => [
        r.id,
        { id: r.id, name: r.name, path: r.path, pointValueFen: Number(r.point_value_fen ?? 100) },
      ]),
    );
  }
}
