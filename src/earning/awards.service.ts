import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../common/actor';
import { notFound, refuse } from '../common/errors';
import { hashRequest, IdempotencyService, IdempotentRequest } from '../common/idempotency.service';
import { APP_CONFIG, AppConfig } from '../config/configuration';
import { newId } from '../common/ids';
import { ResidentDirectory } from '../identity/resident-directory.queries';
import { UsersService } from '../identity/users.service';
import { LedgerService } from '../ledger/ledger.service';
import { Transfer } from '../ledger/ledger.types';
import { NoticesService } from '../notices/notices.service';
import { AwardsRepository } from './awards.repository';
import { CreateAwardDto } from './dto/earning.dto';
import { AwardEntity } from './entities/award.entity';
import { isEarningStaff } from './earning-roles';
import { awardNotice } from './earning-notices';
import { PointRulesService } from './point-rules.service';

export interface AwardView {
  id: string;
  communityId: string;
  residentId: string;
  ruleId: string;
  /** Negative for a deduction. */
  points: number;
  ruleName: string;
  ruleCategory: string | null;
  ruleDescription: string | null;
  note: string | null;
  declarationId: string | null;
  awardedBy: string;
  createdAt: Date;
  /** When an upheld appeal reversed this deduction (null otherwise). */
  reversedAt: Date | null;
  transfer: Transfer;
}

/** A deduction as an appeal sees it. */
export interface DeductionView {
  awardId: string;
  transferId: string;
  communityId: string;
  residentId: string;
  /** Positive: the points deducted. */
  points: number;
  ruleName: string;
  awardedBy: string;
  createdAt: Date;
  reversedAt: Date | null;
}

/** What an award is given for, as it was at the time (the snapshot kept on the award). */
export interface AwardInput {
  awardId: string;
  transferId: string;
  communityId: string;
  residentId: string;
  ruleId: string;
  points: number;
  ruleName: string;
  ruleCategory: string | null;
  ruleDescription: string | null;
  note: string | null;
  declarationId: string | null;
  awardedBy: string;
}

/** Awards and deductions: an award row (with the rule's snapshot) and its ledger transfer, together. */
@Injectable()
export class AwardsService {
  constructor(
    private readonly ledger: LedgerService,
    private readonly rules: PointRulesService,
    private readonly users: UsersService,
    private readonly idempotency: IdempotencyService,
    private readonly notices: NoticesService,
    private readonly residents: ResidentDirectory,
    private readonly awardRows: AwardsRepository,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Staff award (or deduct) at once for a resident of their scope. With an `Idempotency-Key`, the
   * key decides; without one, the same staff member, resident, rule and note within
   * AWARD_DEDUP_SECONDS answer the first award (a double click, a retried request), not a second.
   */
  async award(actor: Actor, dto: CreateAwardDto, key?: string): Promise<AwardView> {
    const resident = await this.users.getResidentInScope(actor, dto.residentId);
    if (resident.id === actor.id)
      throw refuse(
        'SELF_SERVICE_FORBIDDEN',
        { residentId: resident.id },
        'you may not award points to yourself',
      );
    return this.idempotency.run(this.idempotencyOf(actor, dto, key), async (em) => {
      const rule = await this.rules.usableItem(em, actor, dto.ruleId, resident.regionId!);
      const awardId = newId();
      return this.give(em, {
        awardId,
        transferId: this.ledger.deriveId('award', awardId),
        communityId: rule.communityId,
        residentId: resident.id,
        ruleId: rule.id,
        points: rule.points!,
        ruleName: rule.name,
        ruleCategory: rule.category,
        ruleDescription: rule.description,
        note: dto.note ?? null,
        declarationId: null,
        awardedBy: actor.id,
      });
    });
  }

  private idempotencyOf(actor: Actor, dto: CreateAwardDto, key?: string): IdempotentRequest {
    if (key || this.config.awardDedupSeconds === 0) return { scope: `awards:${actor.id}`, key, request: dto };
    const request = { residentId: dto.residentId, ruleId: dto.ruleId, note: dto.note?.trim() || null };
    return {
      scope: `awards-auto:${actor.id}`,
      key: `auto:${hashRequest(request)}`,
      request,
      windowSeconds: this.config.awardDedupSeconds,
    };
  }

  /**
   * Records an award and moves its points in the caller's transaction: an award is issued from the
   * community's issuance account to the wallet; a deduction goes from the wallet to the community's
   * deduction sink, recorded in full even below zero (`exempt`), so the wallet then cannot spend.
   */
  async give(em: EntityManager, a: AwardInput): Promise<AwardView> {
    if (!Number.isInteger(a.points) || a.points === 0)
      throw new Error(`award ${a.awardId}: points must be non-zero`);
    const wallet = await this.ledger.walletOf(em, a.residentId);
    const transfer =
      a.points > 0
        ? await this.ledger.transfer(em, {
            id: a.transferId,
            debitAccountId: await this.ledger.issuanceOf(em, a.communityId),
            creditAccountId: wallet,
            amount: a.points,
            code: 'award',
            refType: 'award',
            refId: a.awardId,
          })
        : await this.ledger.transfer(em, {
            id: a.transferId,
            debitAccountId: wallet,
            creditAccountId: await this.ledger.deductionSinkOf(em, a.communityId),
            amount: -a.points,
            code: 'deduction',
            refType: 'award',
            refId: a.awardId,
            exempt: true,
          });
    await em.getRepository(AwardEntity).insert({
      id: a.awardId,
      communityId: a.communityId,
      residentId: a.residentId,
      ruleId: a.ruleId,
      points: a.points,
      ruleName: a.ruleName,
      ruleCategory: a.ruleCategory,
      ruleDescription: a.ruleDescription,
      note: a.note,
      declarationId: a.declarationId,
      awardedBy: a.awardedBy,
      transferId: transfer.id,
    });
    const row = (await em.getRepository(AwardEntity).findOneBy({ id: a.awardId }))!;
    const name = (await this.residents.displayNames([a.residentId])).get(a.residentId);
    await this.notices.publish(em, awardNotice(a, name));
    return toAwardView(row, transfer);
  }

  /** The deduction (an award with negative points) that this ledger transfer recorded, or null. */
  async deductionByTransfer(tx: EntityManager, transferId: string): Promise<DeductionView | null> {
    const row = await tx.getRepository(AwardEntity).findOneBy({ transferId });
    if (!row || row.points >= 0) return null;
    return {
      awardId: row.id,
      transferId: row.transferId,
      communityId: row.communityId,
      residentId: row.residentId,
      points: -row.points,
      ruleName: row.ruleName,
      awardedBy: row.awardedBy,
      createdAt: row.createdAt,
      reversedAt: row.reversedAt,
    };
  }

  /**
   * Reverses a deduction once (an upheld appeal): marks it reversed (it leaves the yellow board) and
   * gives its points back with a compensating transfer of this id from the community's issuance
   * account, code `deduction_reversal`. Null when it was reversed already (nothing is written).
   */
  async reverseDeduction(
    tx: EntityManager,
    d: DeductionView,
    reversal: { transferId: string; refType: string; refId: string },
  ): Promise<Transfer | null> {
    if (!(await this.awardRows.markReversed(tx, d.awardId, reversal.transferId))) return null;
    return this.ledger.transfer(tx, {
      id: reversal.transferId,
      debitAccountId: await this.ledger.issuanceOf(tx, d.communityId),
      creditAccountId: await this.ledger.walletOf(tx, d.residentId),
      amount: d.points,
      code: 'deduction_reversal',
      refType: reversal.refType,
      refId: reversal.refId,
    });
  }

  /** One award: the resident, or staff of the resident's scope. */
  async get(actor: Actor, id: string): Promise<AwardView> {
    const row = await this.db.getRepository(AwardEntity).findOneBy({ id });
    if (!row) throw notFound('award', id);
    if (row.residentId !== actor.id) {
      if (!isEarningStaff(actor)) throw notFound('award', id);
      await this.users.getResidentInScope(actor, row.residentId, { includeDeleted: true }).catch(() => {
        throw notFound('award', id);
      });
    }
    const transfer = await this.ledger.getTransfer(row.transferId);
    return toAwardView(row, transfer!);
  }
}

export const toAwardView = (r: AwardEntity, transfer: Transfer): AwardView => ({
  id: r.id,
  communityId: r.communityId,
  residentId: r.residentId,
  ruleId: r.ruleId,
  points: r.points,
  ruleName: r.ruleName,
  ruleCategory: r.ruleCategory,
  ruleDescription: r.ruleDescription,
  note: r.note,
  declarationId: r.declarationId,
  awardedBy: r.awardedBy,
  createdAt: r.createdAt,
  reversedAt: r.reversedAt,
  transfer,
});
