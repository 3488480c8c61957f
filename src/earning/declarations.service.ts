import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, hasRole, regionInScope } from '../common/actor';
import { forbidden, invalid, notFound, refuse } from '../common/errors';
import { IdempotencyService } from '../common/idempotency.service';
import { newId } from '../common/ids';
import { decodeCursor, TIME_ID, Page, pageLimit, toPage } from '../common/pagination';
import { TransactionService } from '../database/transaction.service';
import { ResidentDirectory } from '../identity/resident-directory.queries';
import { UsersService } from '../identity/users.service';
import { LedgerService } from '../ledger/ledger.service';
import { RegionsService } from '../regions/regions.service';
import { AwardsService, AwardView } from './awards.service';
import { DeclarationFilter, DeclarationRow, DeclarationsRepository } from './declarations.repository';
import { CreateDeclarationDto, DeclarationsQuery } from './dto/earning.dto';
import { DeclarationEntity, DeclarationStatus } from './entities/declaration.entity';
import { PointRuleEntity } from './entities/point-rule.entity';
import { isEarningStaff } from './earning-roles';
import { PointRulesService } from './point-rules.service';

/** How far back a declaration may reach, and how much clock skew "the future" allows. */
const MAX_AGE_MS = 366 * 24 * 3600_000;
const FUTURE_SKEW_MS = 5 * 60_000;

export interface DeclarationView {
  id: string;
  communityId: string;
  residentId: string;
  residentName?: string;
  ruleId: string;
  ruleName: string;
  points: number;
  occurredAt: Date;
  note: string;
  declaredBy: string;
  proxy: boolean;
  status: DeclarationStatus;
  reviewedBy: string | null;
  reviewedAt: Date | null;
  rejectReason: string | null;
  awardId: string | null;
  createdAt: Date;
}

const toView = (d: DeclarationEntity, residentName?: string): DeclarationView => ({
  id: d.id,
  communityId: d.communityId,
  residentId: d.residentId,
  ...(residentName !== undefined ? { residentName } : {}),
  ruleId: d.ruleId,
  ruleName: d.ruleName,
  points: d.rulePoints,
  occurredAt: d.occurredAt,
  note: d.note,
  declaredBy: d.declaredBy,
  proxy: !!d.proxy,
  status: d.status,
  reviewedBy: d.reviewedBy,
  reviewedAt: d.reviewedAt,
  rejectReason: d.rejectReason,
  awardId: d.awardId,
  createdAt: d.createdAt,
});

/**
 * Declarations (积分申报): a resident declares for themself, a grid worker on a resident's behalf
 * (a proxy declaration). Community staff approve (posting the award exactly once) or reject; whoever
 * declared, and the resident who benefits, may not review it.
 */
@Injectable()
export class DeclarationsService {
  constructor(
    private readonly tx: TransactionService,
    private readonly idempotency: IdempotencyService,
    private readonly users: UsersService,
    private readonly regions: RegionsService,
    private readonly rules: PointRulesService,
    private readonly awards: AwardsService,
    private readonly ledger: LedgerService,
    private readonly residents: ResidentDirectory,
    private readonly declarations: DeclarationsRepository,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async declare(actor: Actor, dto: CreateDeclarationDto, key?: string): Promise<DeclarationView> {
    const onBehalf = dto.residentId !== undefined && dto.residentId !== actor.id;
    if (onBehalf && !hasRole(actor, 'grid_worker'))
      throw forbidden('only grid workers declare on behalf of a resident');
    if (!onBehalf && !hasRole(actor, 'resident'))
      throw invalid('residentId', 'name the resident you declare for');
    const occurredAt = new Date(dto.occurredAt);
    const now = Date.now();
    if (occurredAt.getTime() > now + FUTURE_SKEW_MS || occurredAt.getTime() < now - MAX_AGE_MS)
      throw invalid('occurredAt', 'must lie within the last year and not in the future');
    const resident = await this.users.getResidentInScope(actor, dto.residentId ?? actor.id);
    return this.idempotency.run({ scope: `declarations:${actor.id}`, key, request: dto }, async (em) => {
      const rule = await this.rules.usableItem(em, actor, dto.ruleId, resident.regionId!);
      const id = newId();
      await em.getRepository(DeclarationEntity).insert({
        id,
        communityId: rule.communityId,
        residentId: resident.id,
        ruleId: rule.id,
        ruleName: rule.name,
        rulePoints: rule.points!,
        occurredAt,
        note: dto.note,
        declaredBy: actor.id,
        proxy: onBehalf,
        status: 'pending',
        reviewedBy: null,
        reviewedAt: null,
        rejectReason: null,
        awardId: null,
      });
      return toView((await em.getRepository(DeclarationEntity).findOneBy({ id }))!, resident.displayName);
    });
  }

  /** Approves a pending declaration and posts its award, exactly once however often it is called. */
  async approve(actor: Actor, id: string): Promise<DeclarationView & { award: AwardView }> {
    return this.tx.run(async (em) => {
      const d = await this.reviewable(em, actor, id);
      const awardId = this.ledger.deriveId('declaration-award', d.id);
      await this.transition(em, actor, d, 'approved', { awardId });
      const rule = await em.getRepository(PointRuleEntity).findOneBy({ id: d.ruleId });
      const award = await this.awards.give(em, {
        awardId,
        transferId: this.ledger.deriveId('declaration', d.id),
        communityId: d.communityId,
        residentId: d.residentId,
        ruleId: d.ruleId,
        points: d.rulePoints,
        ruleName: d.ruleName,
        ruleCategory: rule?.category ?? null,
        ruleDescription: rule?.description ?? null,
        note: d.note,
        declarationId: d.id,
        awardedBy: actor.id,
      });
      const after = (await em.getRepository(DeclarationEntity).findOneBy({ id }))!;
      return { ...toView(after), award };
    });
  }

  async reject(actor: Actor, id: string, reason: string): Promise<DeclarationView> {
    return this.tx.run(async (em) => {
      const d = await this.reviewable(em, actor, id);
      await this.transition(em, actor, d, 'rejected', { reason });
      return toView((await em.getRepository(DeclarationEntity).findOneBy({ id }))!);
    });
  }

  /** Staff: declarations of their scope; a resident: their own. Newest first. */
  async list(actor: Actor, q: DeclarationsQuery): Promise<Page<DeclarationView>> {
    const limit = pageLimit(q);
    const filter: DeclarationFilter = {
      status: q.status,
      cursor: decodeCursor(q.cursor, TIME_ID),
      limit: limit + 1,
    };
    if (isEarningStaff(actor)) {
      if (actor.regionPath !== null) filter.communityIds = this.regions.idsUnder(actor.regionPath);
      // A filter naming what lies outside the caller's scope is 404, like the object itself.
      if (q.communityId) {
        await this.regions.getCommunityInScope(actor, q.communityId);
        filter.communityId = q.communityId;
      }
      if (q.residentId) {
        await this.users.getResidentInScope(actor, q.residentId, { includeDeleted: true });
        filter.residentId = q.residentId;
      }
    } else {
      filter.residentId = actor.id;
    }
    const rows = await this.declarations.list(filter);
    const names = await this.residents.displayNames(rows.map((r) => r.resident_id));
    return toPage(
      rows.map((r) => rowToView(r, names.get(r.resident_id) ?? null)),
      limit,
      (v) => [new Date(v.createdAt).toISOString(), v.id],
    );
  }

  async get(actor: Actor, id: string): Promise<DeclarationView> {
    const d = await this.db.getRepository(DeclarationEntity).findOneBy({ id });
    if (!d) throw notFound('declaration', id);
    if (d.residentId !== actor.id && d.declaredBy !== actor.id) {
      const community = await this.regions.get(d.communityId);
      if (!isEarningStaff(actor) || !regionInScope(actor, community?.path)) throw notFound('declaration', id);
    }
    const resident = await this.users.findById(d.residentId);
    return toView(d, resident?.displayName);
  }

  /** A declaration the caller may review: in scope (404), neither for nor by them (403 SELF_SERVICE_FORBIDDEN). */
  private async reviewable(em: EntityManager, actor: Actor, id: string): Promise<DeclarationEntity> {
    const d = await em.getRepository(DeclarationEntity).findOneBy({ id });
    const inScope =
      !!d &&
      (await this.regions.getInScopeTx(em, actor, d.communityId).then(
        () => true,
        () => false,
      ));
    if (!d || !inScope) throw notFound('declaration', id);
    if (d.declaredBy === actor.id || d.residentId === actor.id)
      throw refuse(
        'SELF_SERVICE_FORBIDDEN',
        { declarationId: id },
        'a declaration is reviewed by someone other than who declared it or who benefits',
      );
    return d;
  }

  /** pending → approved | rejected, as a conditional update; anything else is 409 ALREADY_REVIEWED. */
  private async transition(
    em: EntityManager,
    actor: Actor,
    d: DeclarationEntity,
    to: 'approved' | 'rejected',
    extra: { awardId?: string; reason?: string },
  ): Promise<void> {
    const changed = await this.declarations.review(em, d.id, {
      to,
      by: actor.id,
      awardId: extra.awardId ?? null,
      reason: extra.reason ?? null,
    });
    if (!changed) {
      const now = (await em.getRepository(DeclarationEntity).findOneBy({ id: d.id }))!;
      throw refuse(
        'ALREADY_REVIEWED',
        { declarationId: d.id, status: now.status, reviewedAt: now.reviewedAt },
        `the declaration was already ${now.status}`,
      );
    }
  }
}

const rowToView = (r: DeclarationRow, residentName: string | null): DeclarationView => ({
  id: r.id,
  communityId: r.community_id,
  residentId: r.resident_id,
  residentName: residentName as string,
  ruleId: r.rule_id,
  ruleName: r.rule_name,
  points: Number(r.rule_points),
  occurredAt: r.occurred_at,
  note: r.note,
  declaredBy: r.declared_by,
  proxy: !!Number(r.proxy),
  status: r.status,
  reviewedBy: r.reviewed_by,
  reviewedAt: r.reviewed_at,
  rejectReason: r.reject_reason,
  awardId: r.award_id,
  createdAt: r.created_at,
});
