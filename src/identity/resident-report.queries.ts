import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** A resident as reports count them: active now, with the resident role. */
export interface ReportResidentRow {
  userId: string;
  regionId: string;
  /** The household number, or the user's id when none is registered. */
  household: string;
}

export interface ResidentCountRow {
  regionId: string;
  residents: number;
}

type Num = string | number | null;
const marks = (xs: unknown[]) => xs.map(() => '?').join(', ');
/** Residents as registered now: active users with the resident role. */
const ACTIVE_RESIDENT = "active = 1 AND FIND_IN_SET('resident', roles)";

/** The identity module's reads for funding reports and donation traces (read-only, on `tx`). */
@Injectable()
export class ResidentReportQueries {
  /** Which of these users are residents now, of which region and household. */
  async residents(tx: EntityManager, userIds: string[]): Promise<ReportResidentRow[]> {
    const out: ReportResidentRow[] = [];
    for (let i = 0; i < userIds.length; i += 5_000) {
      const chunk = userIds.slice(i, i + 5_000);
      const rows: Array<{ id: string; region_id: string; household: string }> = await tx.query(
        `SELECT id, region_id, COALESCE(household_no, id) AS household FROM users
          WHERE id IN (${marks(chunk)}) AND ${ACTIVE_RESIDENT}`,
        chunk,
      );
      for (const r of rows) out.push({ userId: r.id, regionId: r.region_id, household: r.household });
    }
    return out;
  }

  /** How many residents each of these regions has now. */
  async countByRegion(tx: EntityManager, regionIds: string[]): Promise<ResidentCountRow[]> {
    if (!regionIds.length) return [];
    const rows: Array<{ region_id: string; n: Num }> = await tx.query(
      `SELECT region_id, COUNT(*) AS n FROM users
        WHERE region_id IN (${marks(regionIds)}) AND ${ACTIVE_RESIDENT}
        GROUP BY region_id`,
      regionIds,
    );
    return rows.map((r) => ({ regionId: r.region_id, residents: Number(r.n ?? 0) }));
  }

  /** The display names of these users (id → name). */
  async displayNames(tx: EntityManager, userIds: string[]): Promise<Map<string, string>> {
    if (!userIds.length) return new Map();
    const rows: Array<{ id: string; display_name: string }> = await tx.query(
      'SELECT id, display_name FROM users WHERE id IN (?)',
      [userIds],
    );
    return new Map(rows.map((r) => [r.id, r.display_name]));
  }
}
