import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SqlFragment } from '../common/sql';

/** A resident with the points they earned in a period. */
export interface RankedRow {
  id: string;
  display_name: string;
  region_id: string;
  points: number | string;
}

/** A resident's recent deductions, for the yellow board. */
export interface DeductionsRow {
  resident_id: string;
  deductions: number | string;
  deducted: number | string;
  reasons: string | null;
  last_at: Date;
}

/** Where a ranking resumes: after the last row's points and resident id. */
export interface RankingCursor {
  points: number;
  residentId: string;
}

/**
 * The statements of rankings, boards and `earning_settings`. The residents and their earned points
 * come in as subqueries published by identity (`ResidentDirectory`) and the ledger
 * (`EarningLedgerQueries`), so nothing here names their tables.
 */
@Injectable()
export class StandingsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Residents with their points (0 without any), as a subquery `x`. */
  private ranked(residents: SqlFragment, earned: SqlFragment): SqlFragment {
    return {
      sql: `SELECT u.id, u.display_name, u.region_id, COALESCE(e.points, 0) AS points
              FROM (${residents.sql}) u LEFT JOIN (${earned.sql}) e ON e.user_id = u.id`,
      params: [...residents.params, ...earned.params],
    };
  }

  /** One page of residents by points desc, then id asc, after the cursor: `limit` rows. */
  rankingPage(
    residents: SqlFragment,
    earned: SqlFragment,
    after: RankingCursor | null,
    limit: number,
  ): Promise<RankedRow[]> {
    const base = this.ranked(residents, earned);
    const where = after ? 'WHERE x.points < ? OR (x.points = ? AND x.id > ?)' : '';
    return this.db.query(
      `SELECT x.* FROM (${base.sql}) x ${where} ORDER BY x.points DESC, x.id ASC LIMIT ?`,
      [...base.params, ...(after ? [after.points, after.points, after.residentId] : []), limit],
    );
  }

  /** How many of these residents earned more than `points`. */
  async countAbove(residents: SqlFragment, earned: SqlFragment, points: number): Promise<number> {
    const base = this.ranked(residents, earned);
    const [{ n }]: Array<{ n: number | string }> = await this.db.query(
      `SELECT COUNT(*) AS n FROM (${base.sql}) x WHERE x.points > ?`,
      [...base.params, points],
    );
    return Number(n);
  }

  /** The red board: residents who earned something, most first. */
  redBoard(residents: SqlFragment, earned: SqlFragment, limit: number): Promise<RankedRow[]> {
    return this.db.query(
      `SELECT u.id, u.display_name, u.region_id, e.points
         FROM (${earned.sql}) e JOIN (${residents.sql}) u ON u.id = e.user_id
        WHERE e.points > 0
        ORDER BY e.points DESC, u.id ASC LIMIT ?`,
      [...earned.params, ...residents.params, limit],
    );
  }

  /** The yellow board: residents of a community with deductions in the last `days` days, latest first. */
  recentDeductions(communityId: string, days: number): Promise<DeductionsRow[]> {
    return this.db.query(
      `SELECT a.resident_id, COUNT(*) AS deductions, -SUM(a.points) AS deducted,
              GROUP_CONCAT(DISTINCT a.rule_name ORDER BY a.rule_name SEPARATOR '\u001f') AS reasons,
              MAX(a.created_at) AS last_at
         FROM awards a
        WHERE a.community_id = ? AND a.points < 0 AND a.reversed_at IS NULL
          AND a.created_at > DATE_SUB(CURRENT_TIMESTAMP(3), INTERVAL ? DAY)
        GROUP BY a.resident_id
        ORDER BY last_at DESC, a.resident_id ASC
        LIMIT 100`,
      [communityId, days],
    );
  }

  /** Sets the settings given (an absent one keeps its value, or its default in a new row). */
  async saveSettings(
    communityId: string,
    s: { yellowClearDays?: number; pointsValidYears?: number | null },
    defaults: { yellowClearDays: number },
  ): Promise<void> {
    const yellow = s.yellowClearDays !== undefined;
    const valid = s.pointsValidYears !== undefined;
    await this.db.query(
      `INSERT INTO earning_settings (community_id, yellow_clear_days, points_valid_years) VALUES (?, ?, ?)
       ON DUPLICATE KEY UPDATE yellow_clear_days = IF(?, VALUES(yellow_clear_days), yellow_clear_days),
                               points_valid_years = IF(?, VALUES(points_valid_years), points_valid_years)`,
      [communityId, s.yellowClearDays ?? defaults.yellowClearDays, s.pointsValidYears ?? null, yellow, valid],
    );
  }

  /** Communities whose points expire, with how many years they stay valid. */
  async expiringCommunities(): Promise<Array<{ communityId: string; validYears: number }>> {
    const rows: Array<{ community_id: string; points_valid_years: number }> = await this.db.query(
      'SELECT community_id, points_valid_years FROM earning_settings WHERE points_valid_years IS NOT NULL ORDER BY community_id',
    );
    return rows.map((r) => ({ communityId: r.community_id, validYears: Number(r.points_valid_years) }));
  }
}
