import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { Actor, hasRole, regionInScope } from '../common/actor';
import { forbidden, invalid, notFound } from '../common/errors';
import { newId } from '../common/ids';
import { SqlFragment } from '../common/sql';
import { TransactionService } from '../database/transaction.service';
import {
  CreateOrganizationDto,
  CreateRegionDto,
  RegionNode,
  UpdateCommunityProfileDto,
} from './dto/regions.dto';
import { CommunityProfileEntity } from './entities/community-profile.entity';
import { OrganizationEntity } from './entities/organization.entity';
import { RegionEntity, RegionKind } from './entities/region.entity';
import { RegionsRepository } from './regions.repository';

/** The region and organisation types other modules use (the entities stay this module's own). */
export type { OrganizationEntity, OrganizationType } from './entities/organization.entity';
export type { RegionEntity, RegionKind } from './entities/region.entity';

/** Which kinds may sit under which. */
const CHILD_KINDS: Record<RegionKind, RegionKind[]> = {
  city: ['district'],
  district: ['street'],
  street: ['community', 'village'],
  community: [],
  village: [],
};

export const isCommunityKind = (k: RegionKind) => k === 'community' || k === 'village';

/** The region when it lies in the caller's scope; else 404 (outside the scope looks the same as missing). */
const inScope = (actor: Actor, id: string, r: RegionEntity | null): RegionEntity => {
  if (!r || !regionInScope(actor, r.path)) throw notFound('region', id);
  return r;
};

/** The region tree and organisations: the tenancy every other module scopes by. */
@Injectable()
export class RegionsService {
  constructor(
    @InjectRepository(RegionEntity) private readonly regions: Repository<RegionEntity>,
    @InjectRepository(OrganizationEntity) private readonly orgs: Repository<OrganizationEntity>,
    @InjectRepository(CommunityProfileEntity) private readonly profiles: Repository<CommunityProfileEntity>,
    private readonly tx: TransactionService,
    private readonly repo: RegionsRepository,
  ) {}

  /** A subquery of the ids of a region and everything below it, for other modules' lists. */
  idsUnder(pathPrefix: string): SqlFragment {
    return this.repo.idsUnder(pathPrefix);
  }

  /**
   * Scalar subqueries for other modules' reads (one statement instead of a read per row): the path
   * and the name of the region whose id is in a column, the region path of an organisation.
   */
  regionPathSql(regionIdColumn: string): string {
    return this.repo.pathOf(regionIdColumn);
  }

  regionNameSql(regionIdColumn: string): string {
    return this.repo.nameOf(regionIdColumn);
  }

  organizationPathSql(orgIdColumn: string): string {
    return this.repo.organizationPathOf(orgIdColumn);
  }

  /** The region path of an organisation (null: no such organisation or none of its region). */
  async organizationPath(tx: EntityManager, organizationId: string): Promise<string | null> {
    return this.repo.organizationPath(tx, organizationId);
  }

  /** A region inside the caller's scope, or 404 (outside the scope looks the same as missing). */
  async getInScope(actor: Actor, id: string): Promise<RegionEntity> {
    return inScope(actor, id, await this.regions.findOneBy({ id }));
  }

  /** {@link getInScope} inside a unit of work (its reads go through the transaction's connection). */
  async getInScopeTx(tx: EntityManager, actor: Actor, id: string): Promise<RegionEntity> {
    return inScope(actor, id, await tx.getRepository(RegionEntity).findOneBy({ id }));
  }

  async get(id: string): Promise<RegionEntity | null> {
    return this.regions.findOneBy({ id });
  }

  /** A community or village in scope, or 404. */
  async getCommunityInScope(actor: Actor, id: string): Promise<RegionEntity> {
    const r = await this.getInScope(actor, id);
    if (!isCommunityKind(r.kind)) throw notFound('community', id);
    return r;
  }

  /** The region and its ancestors, nearest first (for inherited policies). */
  async lineage(regionId: string): Promise<RegionEntity[]> {
    const r = await this.regions.findOneBy({ id: regionId });
    if (!r) return [];
    const ids = r.path.split('/').filter(Boolean);
    const rows = await this.regions.findBy({ id: In(ids) });
    const byId = new Map(rows.map((x) => [x.id, x]));
    return ids
      .reverse()
      .map((id) => byId.get(id)!)
      .filter(Boolean);
  }

  async create(actor: Actor, dto: CreateRegionDto): Promise<RegionEntity> {
    let path: string;
    const id = newId();
    if (dto.kind === 'city') {
      if (dto.parentId) throw invalid('parentId', 'a city has no parent');
      if (actor.regionPath !== null) throw forbidden('only the platform administrator creates cities');
      path = `/${id}/`;
    } else {
      if (!dto.parentId) throw invalid('parentId', `a ${dto.kind} needs a parent`);
      const parent = await this.getInScope(actor, dto.parentId);
      if (!CHILD_KINDS[parent.kind].includes(dto.kind)) {
        throw invalid('kind', `a ${dto.kind} cannot sit under a ${parent.kind}`);
      }
      path = `${parent.path}${id}/`;
    }
    const region = this.regions.create({
      id,
      name: dto.name,
      kind: dto.kind,
      parentId: dto.parentId ?? null,
      path,
    });
    await this.tx.run(async (em) => {
      await em.getRepository(RegionEntity).insert(region);
      if (isCommunityKind(dto.kind))
        await em.getRepository(CommunityProfileEntity).insert({ regionId: id, baseGrantPoints: 100 });
    });
    return (await this.regions.findOneBy({ id }))!;
  }

  /** The tree below the caller's scope (the whole platform for the bootstrap admin). */
  async tree(actor: Actor): Promise<RegionNode[]> {
    const rows = actor.regionPath
      ? await this.regions
          .createQueryBuilder('r')
          .where('r.path LIKE :p', { p: `${this.rootPathOf(actor.regionPath)}%` })
          .orderBy('r.name')
          .getMany()
      : await this.regions.find({ order: { name: 'ASC' } });
    const nodes = new Map<string, RegionNode>(
      rows.map((r) => [r.id, { id: r.id, name: r.name, kind: r.kind, parentId: r.parentId, children: [] }]),
    );
    const roots: RegionNode[] = [];
    for (const n of nodes.values()) {
      const parent = n.parentId ? nodes.get(n.parentId) : undefined;
      if (parent) parent.children.push(n);
      else roots.push(n);
    }
    return roots;
  }

  /** Everyone may see the tree of their own city (to browse rankings, listings of other communities). */
  private rootPathOf(path: string): string {
    return `/${path.split('/').filter(Boolean)[0]}/`;
  }

  async createOrganization(actor: Actor, dto: CreateOrganizationDto): Promise<OrganizationEntity> {
    await this.getInScope(actor, dto.regionId);
    const org = this.orgs.create({ id: newId(), ...dto });
    await this.orgs.insert(org);
    return (await this.orgs.findOneBy({ id: org.id }))!;
  }

  /** Organisations in the caller's scope; a `regionId` outside it is 404 (not an empty list). */
  async listOrganizations(actor: Actor, regionId?: string): Promise<OrganizationEntity[]> {
    if (regionId) await this.getInScope(actor, regionId);
    const qb = this.orgs
      .createQueryBuilder('o')
      .innerJoin(RegionEntity, 'r', 'r.id = o.region_id')
      .orderBy('o.name');
    if (actor.regionPath) qb.andWhere('r.path LIKE :p', { p: `${actor.regionPath}%` });
    if (regionId) qb.andWhere('o.region_id = :regionId', { regionId });
    return qb.getMany();
  }

  async getOrganization(id: string | null | undefined): Promise<OrganizationEntity | null> {
    return id ? this.orgs.findOneBy({ id }) : null;
  }

  /** An organisation whose region lies in the caller's scope, or 404. */
  async getOrganizationInScope(actor: Actor, id: string): Promise<OrganizationEntity> {
    const org = await this.orgs.findOneBy({ id });
    if (!org) throw notFound('organization', id);
    const region = await this.regions.findOneBy({ id: org.regionId });
    if (!regionInScope(actor, region?.path) && actor.organizationId !== id)
      throw notFound('organization', id);
    return org;
  }

  async getProfile(actor: Actor, communityId: string): Promise<CommunityProfileEntity> {
    await this.getCommunityInScope(actor, communityId);
    return (
      (await this.profiles.findOneBy({ regionId: communityId })) ??
      this.profiles.create({
        regionId: communityId,
        baseGrantPoints: 100,
        maxStoredMinutes: 90000,
        pointValueFen: 100,
      })
    );
  }

  async profileOf(communityId: string): Promise<CommunityProfileEntity | null> {
    return this.profiles.findOneBy({ regionId: communityId });
  }

  async updateProfile(
    actor: Actor,
    communityId: string,
    dto: UpdateCommunityProfileDto,
  ): Promise<CommunityProfileEntity> {
    await this.getCommunityInScope(actor, communityId);
    if (!hasRole(actor, 'community_admin', 'street_officer', 'city_admin')) throw forbidden('forbidden');
    await this.tx.run(async (em) => {
      await this.repo.ensureProfile(em, communityId);
      const patch: Partial<CommunityProfileEntity> = {};
      for (const k of [
        'population',
        'households',
        'collectiveIncomeFen',
        'baseGrantPoints',
        'maxStoredMinutes',
        'pointValueFen',
      ] as const) {
        if (dto[k] !== undefined) (patch as Record<string, unknown>)[k] = dto[k];
      }
      if (Object.keys(patch).length)
        await em.getRepository(CommunityProfileEntity).update({ regionId: communityId }, patch);
    });
    return (await this.profiles.findOneBy({ regionId: communityId }))!;
  }
}
