import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Actor } from '../common/actor';
import { notFound } from '../common/errors';
import { decodeCursor, encodeCursor, Page, pageLimit } from '../common/pagination';
import { ResidentDirectory } from '../identity/resident-directory.queries';
import { EarningLedgerQueries } from '../ledger/earning.queries';
import { RegionsService } from '../regions/regions.service';
import { BoardsQuery, EarningSettingsDto, RankingsQuery } from './dto/earning.dto';
import { DEFAULT_YELLOW_CLEAR_DAYS, EarningSettingsEntity } from './entities/earning-settings.entity';
import { earningYearOf, monthRange, yearRange } from './earning-period';
import { isEarningStaff } from './earning-roles';
import { maskName } from '../common/masking';
import { RankedRow, StandingsRepository } from './standings.repository';

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

/** Rankings (积分排行榜), the red and yellow boards (积分红黄榜) and the settings they use. */
@Injectable()
export class StandingsService {
  constructor(
    private readonly regions: RegionsService,
    private readonly residents: ResidentDirectory,
    private readonly earned: EarningLedgerQueries,
    private readonly standings: StandingsRepository,
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
    const residents = this.residents.activeResidents({ regionIds: this.regions.idsUnder(region.path) });
    const earned = this.earned.earnedByUser(from, to);
    const after = cursor ? { points: Number(cursor[0]), residentId: String(cursor[1]) } : null;
    const rows = await this.standings.rankingPage(residents, earned, after, limit + 1);
    const page = rows.slice(0, limit);
    const firstRank = page.length
      ? (await this.standings.countAbove(residents, earned, Number(page[0].points))) + 1
      : 1;
    const items = rankEntries(page, firstRank, cursor ? Number(cursor[2]) : 0, (r) =>
      this.nameFor(actor, r.id, r.display_name),
    );
    const last = items.at(-1);
    return {
      regionId,
      year,
      items,
      nextCursor:
        rows.length > limit && last ? encodeCursor([last.points, last.residentId, last.position]) : null,
    };
  }

  /** A resident's name as this viewer sees it: masked (张*红) unless staff or the resident themself. */
  private nameFor(actor: Actor, residentId: string, name: string): string {
    return isEarningStaff(actor) || residentId === actor.id ? name : maskName(name);
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
    const red = await this.standings.redBoard(
      this.residents.activeResidents({ communityId }),
      this.earned.earnedByUser(from, to),
      q.limit ?? 10,
    );
    const clearDays = (await this.settingsOf(communityId)).yellowClearDays;
    return {
      communityId,
      year,
      month: q.month ?? null,
      period: { from, to },
      red: red.map((r, i) => ({
        position: i + 1,
        residentId: r.id,
        name: this.nameFor(actor, r.id, r.display_name),
        points: Number(r.points),
      })),
      yellow: { clearAfterDays: clearDays, items: await this.yellowBoard(actor, communityId, clearDays) },
    };
  }

  private async yellowBoard(actor: Actor, communityId: string, clearDays: number): Promise<YellowEntry[]> {
    const rows = await this.standings.recentDeductions(communityId, clearDays);
    const names = await this.residents.displayNames(rows.map((r) => r.resident_id));
    return rows
      .filter((r) => names.has(r.resident_id))
      .map((r): YellowEntry => ({
        residentId: r.resident_id,
        name: this.nameFor(actor, r.resident_id, names.get(r.resident_id)!),
        deductions: Number(r.deductions),
        pointsDeducted: Number(r.deducted),
        reasons: r.reasons ? r.reasons.split('\u001f') : [],
        lastDeductionAt: r.last_at,
        clearsAt: new Date(new Date(r.last_at).getTime() + clearDays * 24 * 3600_000),
      }));
  }

  async settings(actor: Actor, communityId: string) {
    await this.regions.getCommunityInScope(actor, communityId);
    return this.settingsOf(communityId);
  }

  async updateSettings(actor: Actor, communityId: string, dto: EarningSettingsDto) {
    await this.regions.getCommunityInScope(actor, communityId);
    await this.standings.saveSettings(communityId, dto, { yellowClearDays: DEFAULT_YELLOW_CLEAR_DAYS });
    return this.settingsOf(communityId);
  }

  /** The settings; `pointsValidYears` only when the community's points expire (absent: never). */
  async settingsOf(
    communityId: string,
  ): Promise<{ communityId: string; yellowClearDays: number; pointsValidYears?: number }> {
    const row = await this.db.getRepository(EarningSettingsEntity).findOneBy({ communityId });
    return {
      communityId,
      yellowClearDays: row?.yellowClearDays ?? DEFAULT_YELLOW_CLEAR_DAYS,
      ...(row?.pointsValidYears ? { pointsValidYears: row.pointsValidYears } : {}),
    };
  }
}

/** `/city/` of a region path: rankings are public within a city. */
const cityPathOf = (path: string): string => `/${path.split('/').filter(Boolean)[0]}/`;

/**
 * Positions and competition ranks of one page: `firstRank` is the rank of its first row (one more
 * than the residents above it), `offset` the position before the page.
 */
function rankEntries(
  page: RankedRow[],
  firstRank: number,
  offset: number,
  nameOf: (r: RankedRow) => string,
): RankingEntry[] {
  const items: RankingEntry[] = [];
  let rank = firstRank;
  page.forEach((r, i) => {
    const points = Number(r.points);
    if (i > 0 && points !== items[i - 1].points) rank = offset + i + 1;
    items.push({
      position: offset + i + 1,
      rank,
      residentId: r.id,
      name: nameOf(r),
      communityId: r.region_id,
      points,
    });
  });
  return items;
}
