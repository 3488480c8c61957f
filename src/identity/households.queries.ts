import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** A resident as households and mutual aid read them: where they live, their household, their age. */
export interface HouseholdResident {
  id: string;
  displayName: string;
  /** The resident's community. */
  communityId: string;
  /** The household number of the register, or null when none is registered. */
  householdNo: string | null;
  /** `YYYY-MM-DD`, or null when unknown. */
  birthDate: string | null;
}

interface ResidentRow {
  id: string;
  display_name: string;
  region_id: string;
  household_no: string | null;
  birth_date: string | Date | null;
}

/** The columns of `users` these reads select. */
const RESIDENT_COLUMNS = 'id, display_name, region_id, household_no, birth_date';
/** Active residents (not disabled, not deleted) with a community. */
const ACTIVE_RESIDENT =
  "active = 1 AND deleted_at IS NULL AND region_id IS NOT NULL AND FIND_IN_SET('resident', roles) > 0";

const toResident = (r: ResidentRow): HouseholdResident => ({
  id: r.id,
  displayName: r.display_name,
  communityId: r.region_id,
  householdNo: r.household_no,
  birthDate: r.birth_date === null ? null : dateOnly(r.birth_date),
});

/** DATE columns come back as a `Date` at UTC midnight (the pool's timezone is `Z`) or a string. */
const dateOnly = (v: string | Date): string => (typeof v === 'string' ? v : v.toISOString()).slice(0, 10);

/**
 * The identity module's reads for households (户: residents of a community with one household
 * number) and mutual aid (who may help whom): read-only, on the caller's `tx`.
 */
@Injectable()
export class HouseholdQueries {
  /** An active resident, or null. */
  async resident(tx: EntityManager, id: string): Promise<HouseholdResident | null> {
    const rows: ResidentRow[] = await tx.query(
      `SELECT ${RESIDENT_COLUMNS} FROM users WHERE id = ? AND ${ACTIVE_RESIDENT}`,
      [id],
    );
    return rows[0] ? toResident(rows[0]) : null;
  }

  /** The active residents of one household of a community, by name. */
  async members(tx: EntityManager, communityId: string, householdNo: string): Promise<HouseholdResident[]> {
    const rows: ResidentRow[] = await tx.query(
      `SELECT ${RESIDENT_COLUMNS} FROM users
        WHERE region_id = ? AND household_no = ? AND ${ACTIVE_RESIDENT}
        ORDER BY display_name, id LIMIT 100`,
      [communityId, householdNo],
    );
    return rows.map(toResident);
  }
}
