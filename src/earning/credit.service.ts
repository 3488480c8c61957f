import { Injectable } from '@nestjs/common';
import { Actor, hasRole, regionInScope } from '../common/actor';
import { CodeSigner } from '../signing/code-signer.service';
import { invalidFields, notFound, refuse } from '../common/errors';
import { UsersService } from '../identity/users.service';
import { EarningLedgerQueries } from '../ledger/earning.queries';
import { RegionsService } from '../regions/regions.service';
import { CreditThresholdsDto } from './dto/earning.dto';
import { CreditThresholdsRepository } from './credit-thresholds.repository';
import {
  CREDIT_LEVELS,
  CreditLevel,
  creditLevelFor,
  CreditThresholds,
  DEFAULT_CREDIT_THRESHOLDS,
  defaultEntitlementsFor,
  Entitlement,
  thresholdProblems,
} from './credit-levels';
import { earningYearOf, yearRange } from './earning-period';
import { isEarningStaff } from './earning-roles';

export interface EffectiveThresholds extends CreditThresholds {
  /** The region whose setting applies, or null for the default (180/120/60). */
  sourceRegionId: string | null;
}

export interface CreditStanding {
  residentId: string;
  year: number;
  earnedPoints: number;
  level: CreditLevel;
  thresholds: EffectiveThresholds;
  /** The next level up and the points still missing, or null at AAA. */
  next: { level: CreditLevel; pointsNeeded: number } | null;
}

/**
 * Credit levels (AAA级信用户 ...) from points earned in a calendar year, with thresholds that a region
 * sets for itself and everything below (community → street → district → city → default). Exported
 * for orders and entitlements: `levelOf(residentId, year?)`, `earnedPoints(residentId, year?)`.
 */
@Injectable()
export class CreditService {
  constructor(
    private readonly users: UsersService,
    private readonly regions: RegionsService,
    private readonly signer: CodeSigner,
    private readonly earned: EarningLedgerQueries,
    private readonly thresholds: CreditThresholdsRepository,
  ) {}

  /** Points a resident earned in a year (default: the current one): awards + grants − deductions. */
  async earnedPoints(residentId: string, year: number = earningYearOf()): Promise<number> {
    const { from, to } = yearRange(year);
    return this.earned.earnedBy(residentId, from, to);
  }

  /** A resident's credit level for a year (default: the current one). No scope check: for services. */
  async levelOf(residentId: string, year: number = earningYearOf()): Promise<CreditStanding> {
    const user = await this.users.findById(residentId);
    if (!user || !user.roles.includes('resident')) throw notFound('resident', residentId);
    const [earnedPoints, thresholds] = await Promise.all([
      this.earnedPoints(residentId, year),
      this.thresholdsFor(user.regionId),
    ]);
    const level = creditLevelFor(earnedPoints, thresholds);
    return {
      residentId,
      year,
      earnedPoints,
      level,
      thresholds,
      next: nextLevel(earnedPoints, level, thresholds),
    };
  }

  /** GET /residents/:id/credit: the resident themself, or earning staff of the resident's scope. */
  async credit(
    actor: Actor,
    residentId: string,
    year?: number,
    passCode?: string,
  ): Promise<CreditStanding & { entitlements: Entitlement[] }> {
    if (
      actor.id !== residentId &&
      hasRole(actor, 'hospital_staff', 'canteen_staff') &&
      !isEarningStaff(actor)
    ) {
      // Partners see a resident's credit only through the pass the resident shows at the counter.
      await this.checkPass(residentId, passCode);
    } else if (actor.id !== residentId) {
      if (!isEarningStaff(actor)) throw notFound('resident', residentId);
      await this.users.getResidentInScope(actor, residentId);
    }
    const standing = await this.levelOf(residentId, year);
    return { ...standing, entitlements: defaultEntitlementsFor(standing.level) };
  }

  private async checkPass(residentId: string, passCode?: string): Promise<void> {
    if (!passCode) throw notFound('resident', residentId);
    const claims = await this.signer.verify(passCode);
    if (claims.type !== 'pass')
      throw refuse('INVALID_CODE', { reason: 'not a resident pass' }, 'the code is not a resident pass');
    if (claims.subject !== residentId) throw notFound('resident', residentId);
    if (claims.expiresAt.getTime() <= Date.now()) {
      throw refuse(
        'PASS_EXPIRED',
        { expiredAt: claims.expiresAt },
        'the pass has expired; ask the resident to show a fresh one',
      );
    }
  }

  /** The thresholds in force for a region: its own, else the nearest ancestor's, else the default. */
  async thresholdsFor(regionId: string | null): Promise<EffectiveThresholds> {
    if (regionId) {
      const lineage = await this.regions.lineage(regionId);
      if (lineage.length) {
        const rows = await this.thresholds.ofRegions(lineage.map((r) => r.id));
        const byRegion = new Map(rows.map((r) => [r.regionId, r]));
        for (const r of lineage) {
          const t = byRegion.get(r.id);
          if (t) return { aaa: t.aaa, aa: t.aa, a: t.a, sourceRegionId: r.id };
        }
      }
    }
    return { ...DEFAULT_CREDIT_THRESHOLDS, sourceRegionId: null };
  }

  async getThresholds(actor: Actor, regionId: string): Promise<EffectiveThresholds> {
    await this.regions.getInScope(actor, regionId);
    return this.thresholdsFor(regionId);
  }

  async setThresholds(
    actor: Actor,
    regionId: string,
    dto: CreditThresholdsDto,
  ): Promise<EffectiveThresholds> {
    await this.regions.getInScope(actor, regionId);
    const problems = thresholdProblems(dto);
    if (problems.length) throw invalidFields(problems);
    await this.thresholds.set({ regionId, aaa: dto.aaa, aa: dto.aa, a: dto.a, updatedBy: actor.id });
    return this.thresholdsFor(regionId);
  }

  /** Removes a region's own thresholds: it inherits again. */
  async clearThresholds(actor: Actor, regionId: string): Promise<EffectiveThresholds> {
    const region = await this.regions.getInScope(actor, regionId);
    if (!regionInScope(actor, region.path)) throw notFound('region', regionId);
    await this.thresholds.clear(regionId);
    return this.thresholdsFor(regionId);
  }
}

function nextLevel(
  earned: number,
  level: CreditLevel,
  t: CreditThresholds,
): { level: CreditLevel; pointsNeeded: number } | null {
  const i = CREDIT_LEVELS.indexOf(level);
  if (i === 0) return null;
  const up = CREDIT_LEVELS[i - 1];
  const need = up === 'AAA' ? t.aaa : up === 'AA' ? t.aa : t.a;
  return { level: up, pointsNeeded: need - earned };
}
