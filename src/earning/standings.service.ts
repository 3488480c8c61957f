import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Actor } from '../common/actor';
import { notFound } from '../common/errors';
import { decodeCursor, encodeCursor, Page, pageLimit } from '../common/pagination';
import { RegionsService } from '../regions/regions.service';
import { BoardsQuery, EarningSettingsDto, RankingsQuery } from './dto/earning.dto';
import { DEFAULT_YELLOW_CLEAR_DAYS, EarningSettingsEntity } from './entities/earning-settings.entity';
import { EARNED_BY_USER_SQL } from './earned-points';
import { earningYearOf, monthRange, yearRange } from './earning-period';
import { isEarningStaff } from './earning-roles';
import { maskName } from './masking';

export interface RankingEntry {
  /** 1-based place in the ordering (points desc, then resident id). */
  position: number;
  /** Competition rank: residents with equal points share it. */
  rank: number;
  residentId: string;
  /** Masked (张*红) unless the viewer is staff or the resident themself. */
  name: string;
  communityId: string;
  points: number;
}

export interface YellowEntry {
  residentId: string;
  name: string;
  deductions: number;
  pointsDeducted: number;
  reasons: string[];
  lastDeductionAt: Date;
  clearsAt: Date;
}

interface RankedRow {
  id: string;
  display_name: string;
  region_id: string;
  points: number | string;
}

/** Rankings (积分排行榜), the red and yellow boards (积分红黄榜) and the settings they use. */
@Injectable()
export class StandingsService {
  constructor(
    private readonly regions: RegionsService,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  /**
   * Residents of a region (community, street, district or city) by points earned in a year; ties
   * ordered by resident id so that pages never overlap. Anyone may see the rankings of their own city.
   */
  async rankings(
    actor: Actor,
    q: RankingsQuery,
  ): Promise<Page<RankingEntry> & { regionId: string; year: number }> {
    const regionId = q.regionId ?? actor.regionId;
    if (!regionId) throw notFound('region');
    const region = await this.regions.get(regionId);
    if (!region || (actor.regionPath !== null && !region.path.startsWith(cityPathOf(actor.regionPath))))
      throw notFound('region', regionId);
    const year = q.year ?? earningYearOf();
    const limit = pageLimit(q);
    const cursor = decodeCursor(q.cursor, ['int', 'id', 'int']);
    const { from, to } = yearRange(year);
    const base = `
      SELECT u.id, u.display_name, u.region_id, COALESCE(e.points, 0) AS points
        FROM users u
        JOIN regions r ON r.id = u.region_id
        LEFT JOIN (${EARNED_BY_USER_SQL}) e ON e.user_id = u.id
       WHERE r.path LIKE ? AND u.active = 1 AND FIND_IN_SET('resident', u.roles) > 0`;
    const baseParams = [from, to, from, to, `${region.path}%`];
    const after = cursor ? 'WHERE x.points < ? OR (x.points = ? AND x.id > ?)' : '';
    const rows: RankedRow[] = await this.db.query(
      `SELECT x.* FROM (${base}) x ${after} ORDER BY x.points DESC, x.id ASC LIMIT ?`,
      [
        ...baseParams,
        ...(cursor ? [Number(cursor[0]), Number(cursor[0]), String(cursor[1])] : []),
        limit + 1,
      ],
    );
    const page = rows.slice(0, limit);
    let rank = 1;
    if (page.length) {
      const [{ n }] = await this.db.query(`SELECT COUNT(*) AS n FROM (${base}) x WHERE x.points > ?`, [
        ...baseParams,
        Number(page[0].points),
      ]);
      rank = Number(n) + 1;
    }
    const offset = cursor ? Number(cursor[2]) : 0;
    const staff = isEarningStaff(actor);
    const items: RankingEntry[] = [];
    page.forEach((r, i) => {
      const points = Number(r.points);
      if (i > 0 && points !== items[i - 1].points) rank = offset + i + 1;
      items.push({
        position: offset + i + 1,
        rank,
        residentId: r.id,
        name: staff || r.id === actor.id ? r.display_name : maskName(r.display_name),
        communityId: r.region_id,
        points,
      });
    });
    const last = items.at(-1);
    return {
      regionId,
      year,
      items,
      nextCursor:
        rows.length > limit && last ? encodeCursor([last.points, last.residentId, last.position]) : null,
    };
  }

  /**
   * The red board: the community's top residents by points earned in the year (or one month of it).
   * The yellow board: residents whose latest deduction is less than the community's clearing period
   * old (default 30 days); a mark clears by itself once that many days pass without a new deduction.
   */
  async boards(actor: Actor, communityId: string, q: BoardsQuery) {
    await this.regions.getCommunityInScope(actor, communityId);
    const year = q.year ?? earningYearOf();
    const { from, to } = q.month ? monthRange(year, q.month) : yearRange(year);
    const limit = q.limit ?? 10;
    const staff = isEarningStaff(actor);
    const show = (id: string, name: string) => (staff || id === actor.id ? name : maskName(name));
    const red: RankedRow[] = await this.db.query(
      `SELECT u.id, u.display_name, u.region_id, e.points
         FROM (${EARNED_BY_USER_SQL}) e JOIN users u ON u.id = e.user_id
        WHERE u.region_id = ? AND u.active = 1 AND FIND_IN_SET('resident', u.roles) > 0 AND e.points > 0
        ORDER BY e.points DESC, u.id ASC LIMIT ?`,
      [from, to, from, to, communityId, limit],
    );
    const clearDays = (await this.settingsOf(communityId)).yellowClearDays;
    const yellowRows: Array<{
      resident_id: string;
      display_name: string;
      deductions: number | string;
      deducted: number | string;
      reasons: string | null;
      last_at: Date;
    }> = await this.db.query(
      `SELECT a.resident_id, u.display_name, COUNT(*) AS deductions, -SUM(a.points) AS deducted,
              GROUP_CONCAT(DISTINCT a.rule_name ORDER BY a.rule_name SEPARATOR '\u001f') AS reasons,
              MAX(a.created_at) AS last_at
         FROM awards a JOIN users u ON u.id = a.resident_id
        WHERE a.community_id = ? AND a.points < 0
          AND a.created_at > DATE_SUB(CURRENT_TIMESTAMP(3), INTERVAL ? DAY)
        GROUP BY a.resident_id, u.display_name
        ORDER BY last_at DESC, a.resident_id ASC
        LIMIT 100`,
      [communityId, clearDays],
    );
    return {
      communityId,
      year,
      month: q.month ?? null,
      period: { from, to },
      red: red.map((r, i) => ({
        position: i + 1,
        residentId: r.id,
        name: show(r.id, r.display_name),
        points: Number(r.points),
      })),
      yellow: {
        clearAfterDays: clearDays,
        items: yellowRows.map((r): YellowEntry => ({
          residentId: r.resident_id,
          name: show(r.resident_id, r.display_name),
          deductions: Number(r.deductions),
          pointsDeducted: Number(r.deducted),
          reasons: r.reasons ? r.reasons.split('\u001f') : [],
          lastDeductionAt: r.last_at,
          clearsAt: new Date(new Date(r.last_at).getTime() + clearDays * 24 * 3600_000),
        })),
      },
    };
  }

  async settings(actor: Actor, communityId: string) {
    await this.regions.getCommunityInScope(actor, communityId);
    return this.settingsOf(communityId);
  }

  async updateSettings(actor: Actor, communityId: string, dto: EarningSettingsDto) {
    await this.regions.getCommunityInScope(actor, communityId);
    await this.db.query(
      `INSERT INTO earning_settings (community_id, yellow_clear_days) VALUES (?, ?)
       ON DUPLICATE KEY UPDATE yellow_clear_days = VALUES(yellow_clear_days)`,
      [communityId, dto.yellowClearDays],
    );
    return this.settingsOf(communityId);
  }

  async settingsOf(communityId: string): Promise<{ communityId: string; yellowClearDays: number }> {
    const row = await this.db.getRepository(EarningSettingsEntity).findOneBy({ communityId });
    return { communityId, yellowClearDays: row?.yellowClearDays ?? DEFAULT_YELLOW_CLEAR_DAYS };
  }
}

/** `/city/` of a region path: rankings are public within a city. */
const cityPathOf = (path: string): string => `/${path.split('/').filter(Boolean)[0]}/`;
