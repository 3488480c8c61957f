import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, IsNull, Repository } from 'typeorm';
import { Actor } from '../common/actor';
import { invalid, invalidFields, invalidState, notFound, refuse } from '../common/errors';
import { newId } from '../common/ids';
import { TransactionService } from '../database/transaction.service';
import { RegionsService } from '../regions/regions.service';
import { PointRulesRepository } from './point-rules.repository';
import { CreateRuleDto, ImportRulesDto, RuleTreeQuery, UpdateRuleDto } from './dto/earning.dto';
import { PointRuleEntity } from './entities/point-rule.entity';
import {
  buildRuleTree,
  flattenImport,
  ImportNode,
  importProblems,
  RuleNode,
  ruleFieldProblems,
  subtreeIds,
} from './rule-tree';

export interface RuleView extends Omit<RuleNode, 'children'> {
  communityId: string;
  sortOrder: number;
  retiredAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export const toRuleView = (r: PointRuleEntity): RuleView => ({
  id: r.id,
  communityId: r.communityId,
  parentId: r.parentId,
  kind: r.kind,
  name: r.name,
  points: r.points,
  category: r.category,
  description: r.description,
  sortOrder: r.sortOrder,
  retired: !!r.retiredAt,
  retiredAt: r.retiredAt,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

/** Rule books (a tree of indicators whose leaves are items with points), one per community. */
@Injectable()
export class PointRulesService {
  constructor(
    @InjectRepository(PointRuleEntity) private readonly rules: Repository<PointRuleEntity>,
    private readonly regions: RegionsService,
    private readonly tx: TransactionService,
    private readonly repo: PointRulesRepository,
  ) {}

  async tree(actor: Actor, communityId: string, q: RuleTreeQuery = {}) {
    await this.regions.getCommunityInScope(actor, communityId);
    const rows = await this.rules.find({
      where: q.includeRetired ? { communityId } : { communityId, retiredAt: IsNull() },
    });
    return { communityId, rules: buildRuleTree(rows) };
  }

  async get(actor: Actor, id: string): Promise<RuleView> {
    return toRuleView(await this.getInScope(actor, id));
  }

  async create(actor: Actor, communityId: string, dto: CreateRuleDto): Promise<RuleView> {
    await this.regions.getCommunityInScope(actor, communityId);
    const problems = ruleFieldProblems(dto.kind, dto);
    if (problems.length) throw invalidFields(problems.map((p) => ({ field: p.key, problems: [p.problem] })));
    const id = newId();
    await this.tx.run(async (em) => {
      if (dto.parentId) await this.parentIndicator(em, communityId, dto.parentId);
      await em.getRepository(PointRuleEntity).insert({
        id,
        communityId,
        parentId: dto.parentId ?? null,
        kind: dto.kind,
        name: dto.name.trim(),
        points: dto.kind === 'item' ? dto.points! : null,
        category: dto.category ?? null,
        description: dto.description ?? null,
        sortOrder: dto.sortOrder ?? 0,
        retiredAt: null,
      });
    });
    return toRuleView((await this.rules.findOneBy({ id }))!);
  }

  /** Changes wording or points; awards already given keep what they were given. */
  async update(actor: Actor, id: string, dto: UpdateRuleDto): Promise<RuleView> {
    const rule = await this.getInScope(actor, id);
    if (rule.retiredAt) throw invalidState('a retired rule cannot change', { ruleId: id });
    const problems = ruleFieldProblems(rule.kind, dto, { partial: true });
    if (problems.length) throw invalidFields(problems.map((p) => ({ field: p.key, problems: [p.problem] })));
    const patch: Partial<PointRuleEntity> = {};
    if (dto.name !== undefined) patch.name = dto.name.trim();
    if (dto.points !== undefined) patch.points = dto.points;
    if (dto.category !== undefined) patch.category = dto.category;
    if (dto.description !== undefined) patch.description = dto.description;
    if (dto.sortOrder !== undefined) patch.sortOrder = dto.sortOrder;
    if (Object.keys(patch).length) await this.rules.update({ id }, patch);
    return toRuleView((await this.rules.findOneBy({ id }))!);
  }

  /** Retires a rule and everything below it: no new awards or declarations; history stays. */
  async retire(actor: Actor, id: string): Promise<RuleView> {
    const rule = await this.getInScope(actor, id);
    await this.tx.run(async (em) => {
      await this.repo.retire(em, subtreeIds(id, await this.repo.edgesOf(em, rule.communityId)));
    });
    return toRuleView((await this.rules.findOneBy({ id }))!);
  }

  /** Imports a nested rule book: every node is checked first, then all rows go in one transaction. */
  async import(actor: Actor, communityId: string, dto: ImportRulesDto) {
    await this.regions.getCommunityInScope(actor, communityId);
    const problems = importProblems(dto.rules);
    if (problems.length) throw invalidFields(problems);
    const rows = flattenImport(dto.rules as ImportNode[], dto.parentId ?? null, newId);
    const retired = await this.tx.run(async (em) => {
      let retiredCount = 0;
      if (dto.parentId) await this.parentIndicator(em, communityId, dto.parentId);
      if (dto.replace) {
        if (dto.parentId) throw invalid('replace', 'replace imports a whole book: leave out parentId');
        retiredCount = await this.repo.retireBook(em, communityId);
      }
      for (let i = 0; i < rows.length; i += 500) {
        await em
          .getRepository(PointRuleEntity)
          .insert(rows.slice(i, i + 500).map((r) => ({ ...r, communityId, retiredAt: null })));
      }
      return retiredCount;
    });
    const imported = await this.rules.findBy({ id: In(rows.map((r) => r.id)) });
    return {
      communityId,
      imported: rows.length,
      items: rows.filter((r) => r.kind === 'item').length,
      retired,
      rules: buildRuleTree(imported),
    };
  }

  /** A rule whose community lies in the caller's scope, or 404. */
  async getInScope(actor: Actor, id: string): Promise<PointRuleEntity> {
    const rule = await this.rules.findOneBy({ id });
    const inScope =
      !!rule &&
      (await this.regions.getInScope(actor, rule.communityId).then(
        () => true,
        () => false,
      ));
    if (!rule || !inScope) throw notFound('rule', id);
    return rule;
  }

  /**
   * {@link getInScope} inside a unit of work: every read goes through its EntityManager (a second
   * pool connection per transaction would starve the pool under load).
   */
  private async getInScopeTx(tx: EntityManager, actor: Actor, id: string): Promise<PointRuleEntity> {
    const rule = await tx.getRepository(PointRuleEntity).findOneBy({ id });
    const inScope =
      !!rule &&
      (await this.regions.getInScopeTx(tx, actor, rule.communityId).then(
        () => true,
        () => false,
      ));
    if (!rule || !inScope) throw notFound('rule', id);
    return rule;
  }

  /**
   * The item a resident of `communityId` may be awarded or may declare: 404 when the rule does not
   * exist or lies outside the caller's scope; 422 RULE_NOT_USABLE when it is retired, an indicator,
   * or an item of another community's book.
   */
  async usableItem(
    tx: EntityManager,
    actor: Actor,
    ruleId: string,
    communityId: string,
  ): Promise<PointRuleEntity> {
    const rule = await this.getInScopeTx(tx, actor, ruleId);
    const unusable = (reason: string, message: string) =>
      refuse('RULE_NOT_USABLE', { ruleId, reason }, message);
    if (rule.communityId !== communityId)
      throw unusable('other_community', "the rule belongs to another community's rule book");
    if (rule.kind !== 'item')
      throw unusable('not_an_item', 'an indicator cannot be awarded; choose one of its items');
    if (rule.retiredAt) throw unusable('retired', 'the rule is retired');
    if (!rule.points) throw unusable('no_points', 'the item has no points');
    return rule;
  }

  private async parentIndicator(em: EntityManager, communityId: string, parentId: string): Promise<void> {
    const parent = await em.getRepository(PointRuleEntity).findOneBy({ id: parentId });
    const bad = (problem: string) => invalidFields([{ field: 'parentId', problems: [problem] }]);
    if (!parent || parent.communityId !== communityId)
      throw bad('must be an indicator of the same rule book');
    if (parent.kind !== 'indicator') throw bad('must be an indicator, not an item');
    if (parent.retiredAt) throw bad('the indicator is retired');
  }
}
