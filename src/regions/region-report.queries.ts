import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** A community or village a report covers. */
export interface ReportCommunityRow {
  id: string;
  name: string;
  kind: string;
}

/** The figures of a community's profile that a report shows. */
export interface ReportProfileRow {
  regionId: string;
  population: number | null;
  households: number | null;
  collectiveIncomeFen: number | null;
}

type Num = string | number | null;
const orNull = (v: Num): number | null => (v === null ? null : Number(v));
const marks = (xs: unknown[]) => xs.map(() => '?').join(', ');

/** The regions module's reads for funding reports (read-only, on `tx`). */
@Injectable()
export class RegionReportQueries {
  /** The communities and villages at or below a region, by name. */
  communitiesUnder(tx: EntityManager, region: { id: string; path: string }): Promise<ReportCommunityRow[]> {
    return tx.query(
      `SELECT id, name, kind FROM regions
        WHERE kind IN ('community', 'village') AND (id = ? OR path LIKE ?) ORDER BY name, id`,
      [region.id, `${region.path}%`],
    );
  }

  /** The ids of every region at or below a path (a scope). */
  async idsUnder(tx: EntityManager, path: string): Promise<string[]> {
    const rows: Array<{ id: string }> = await tx.query('SELECT id FROM regions WHERE path LIKE ?', [
      `${path}%`,
    ]);
    return rows.map((r) => r.id);
  }

  async profiles(tx: EntityManager, regionIds: string[]): Promise<ReportProfileRow[]> {
    if (!regionIds.length) return [];
    const rows: Array<{ region_id: string; population: Num; households: Num; collective_income_fen: Num }> =
      await tx.query(
        `SELECT region_id, population, households, collective_income_fen FROM community_profiles
          WHERE region_id IN (${marks(regionIds)})`,
        regionIds,
      );
    return rows.map((r) => ({
      regionId: r.region_id,
      population: orNull(r.population),
      households: orNull(r.households),
      collectiveIncomeFen: orNull(r.collective_income_fen),
    }));
  }
}
