import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { Actor, hasRole } from '../common/actor';
import { DomainError } from '../common/domain-error';
import { notFound } from '../common/errors';
import { IdempotencyService } from '../common/idempotency.service';
import { newId } from '../common/ids';
import { decodeCursor, TIME_ID, Page, pageLimit, toPage } from '../common/pagination';
import { affectedRows, TransactionService } from '../database/transaction.service';
import { OrganizationEntity } from '../regions/entities/organization.entity';
import { RegionEntity } from '../regions/entities/region.entity';
import { RegionsService } from '../regions/regions.service';
import {
  ancestorPaths,
  cityPathOf,
  eligibilityCheck,
  EligibilityResult,
  LISTING_MANAGER_ROLES,
  likeContains,
  listingVisibleTo,
  managesProvider,
  Orderability,
  orderability,
  ResidentFacts,
  SCOPE_KINDS,
  validityAt,
  withinProviderReach,
  type ListingStatus,
} from './catalog-rules';
import {
  CreateListingDto,
  ListingView,
  ListListingsQuery,
  MAX_RESTOCK,
  UpdateListingDto,
} from './dto/listing.dto';
import { ListingEntity } from './entities/listing.entity';

const INT_MAX = 2_147_483_647;

const invalid = (field: string, problem: string) =>
  new DomainError('VALIDATION_FAILED', { fields: [{ field, problems: [problem] }] }, `${field}: ${problem}`);

export const listingNotFound = (listingId: string) =>
  new DomainError('LISTING_NOT_FOUND', { listingId }, 'listing not found');

/**
 * The points mall catalog: listings, their scope (where they circulate) and their stock.
 *
 * For the order path (one transaction owned by the orders module):
 * - {@link getForOrder} reads the row (unlocked by default: the stock decrement is the guard);
 * - {@link isOrderable} / {@link assertOrderable}: published, in the resident's scope, valid now;
 * - {@link checkEligibility}: credit level and age;
 * - {@link takeStock} (last, to keep the row lock short) and {@link returnStock} on cancel/expiry.
 */
@Injectable()
export class CatalogService {
  constructor(
    @InjectRepository(ListingEntity) private readonly listings: Repository<ListingEntity>,
    private readonly regions: RegionsService,
    private readonly tx: TransactionService,
    private readonly idempotency: IdempotencyService,
  ) {}

  // ---- HTTP operations -------------------------------------------------------------------------

  async create(actor: Actor, dto: CreateListingDto, idempotencyKey?: string): Promise<ListingView> {
    const provider = await this.resolveProvider(actor, dto.providerOrganizationId);
    const scope = await this.resolveScope(actor, provider, dto.scope.regionId);
    const id = newId();
    return this.idempotency.run(
      { scope: `listings:${actor.id}`, key: idempotencyKey, request: dto },
      async (em) => {
        await em.getRepository(ListingEntity).insert({
          id,
          kind: dto.kind,
          title: dto.title,
          description: dto.description,
          pointsPrice: dto.pointsPrice,
          stock: dto.stock,
          limitCount: dto.perResidentLimit?.count ?? null,
          limitPeriod: dto.perResidentLimit?.period ?? null,
          minCreditLevel: dto.eligibility?.minCreditLevel ?? null,
          minAge: dto.eligibility?.minAge ?? null,
          validFrom: dto.validFrom ? new Date(dto.validFrom) : null,
          validUntil: dto.validUntil ? new Date(dto.validUntil) : null,
          redeemWithinDays: dto.redeemWithinDays,
          imageUrl: dto.imageUrl ?? null,
          unitCostFen: dto.unitCostFen ?? null,
          donationId: dto.donationId ?? null,
          status: 'published',
          providerOrganizationId: provider.id,
          scopeRegionId: scope.id,
          scopePath: scope.path,
          createdBy: actor.id,
          version: 1,
        });
        const row = await em.getRepository(ListingEntity).findOneByOrFail({ id });
        return (await this.views([row], new Date(), { [provider.id]: provider }, { [scope.id]: scope }))[0];
      },
    );
  }

  /**
   * Edits a listing. Optimistic: the update applies only to the version that was read (or the one
   * the client sent), so two concurrent edits cannot mix, and validFrom/validUntil stay ordered.
   */
  async update(actor: Actor, id: string, dto: UpdateListingDto): Promise<ListingView> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const { row, org } = await this.getManaged(actor, id);
      if (dto.version !== undefined && dto.version !== row.version)
        throw this.versionConflict(row, dto.version);
      const patch = await this.patchOf(actor, row, org, dto);
      if (!Object.keys(patch).length) return this.get(actor, id);
      const result = await this.tx.run((em) =>
        em
          .createQueryBuilder()
          .update(ListingEntity)
          .set({ ...patch, version: () => 'version + 1' })
          .where('id = :id AND version = :version', { id, version: row.version })
          .execute(),
      );
      const changed = result.affected ?? affectedRows(result.raw);
      if (changed) return this.get(actor, id);
      if (dto.version !== undefined) throw this.versionConflict(row, dto.version);
    }
    throw new DomainError('CONFLICT', { listingId: id }, 'the listing is being edited; try again');
  }

  /** Adds to a counted stock: `stock = stock + ?` under a condition, never read-then-write. */
  async restock(actor: Actor, id: string, quantity: number): Promise<ListingView> {
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_RESTOCK)
      throw invalid('quantity', `must be an integer from 1 to ${MAX_RESTOCK}`);
    const { row } = await this.getManaged(actor, id);
    await this.tx.run(async (em) => {
      const n = affectedRows(
        await em.query(
          'UPDATE listings SET stock = stock + ? WHERE id = ? AND stock IS NOT NULL AND stock <= ? - ?',
          [quantity, id, INT_MAX, quantity],
        ),
      );
      if (n) return;
      if (row.stock === null)
        throw new DomainError('INVALID_STATE', { listingId: id, stock: null }, 'the stock is unlimited');
      throw new DomainError('CONFLICT', { listingId: id }, 'the stock would exceed its maximum');
    });
    return this.get(actor, id);
  }

  /** Publishes or unpublishes; doing it twice is harmless (the second call changes nothing). */
  async setStatus(actor: Actor, id: string, status: ListingStatus): Promise<ListingView> {
    await this.getManaged(actor, id);
    await this.tx.run((em) =>
      em.query('UPDATE listings SET status = ?, version = version + 1 WHERE id = ? AND status <> ?', [
        status,
        id,
        status,
      ]),
    );
    return this.get(actor, id);
  }

  /** A listing the caller may see (it circulates in their region, or they manage it), or 404. */
  async get(actor: Actor, id: string): Promise<ListingView> {
    const row = await this.listings.findOneBy({ id });
    if (!row) throw listingNotFound(id);
    if (!listingVisibleTo(actor, row.scopePath) && !(await this.managesListing(actor, row)))
      throw listingNotFound(id);
    return (await this.views([row], new Date()))[0];
  }

  /**
   * What the caller may order now: published, valid now, circulating in the caller's region
   * (own community, its street, its city). With `manage=true`, provider staff get the listings of
   * the organisations they manage instead, whatever their status or window. Newest first, keyset
   * pagination on (created_at, id).
   */
  async list(actor: Actor, q: ListListingsQuery): Promise<Page<ListingView>> {
    const limit = pageLimit(q);
    const cursor = this.cursorOf(q.cursor);
    const now = new Date();
    const qb = this.listings.createQueryBuilder('l');
    if (q.manage) {
      if (!hasRole(actor, ...LISTING_MANAGER_ROLES))
        throw new DomainError('FORBIDDEN', { manage: true }, 'only provider staff manage listings');
      const providers = await this.managedProviderIds(actor);
      if (!providers.length) return { items: [], nextCursor: null };
      qb.where('l.providerOrganizationId IN (:...providers)', { providers });
      if (q.status) qb.andWhere('l.status = :status', { status: q.status });
    } else {
      if (q.status) throw invalid('status', 'filters by status only with manage=true');
      qb.where('l.status = :published', { published: 'published' })
        .andWhere('(l.validFrom IS NULL OR l.validFrom <= :now)', { now })
        .andWhere('(l.validUntil IS NULL OR l.validUntil > :now)', { now });
      if (actor.regionPath !== null) {
        qb.andWhere('(l.scopePath IN (:...mine) OR l.scopePath LIKE :below)', {
          mine: ancestorPaths(actor.regionPath),
          below: `${actor.regionPath}%`,
        });
      }
    }
    if (q.regionId) {
      const region = await this.regions.get(q.regionId);
      if (!region || (actor.regionPath !== null && cityPathOf(region.path) !== cityPathOf(actor.regionPath)))
        throw notFound('region', q.regionId);
      qb.andWhere('l.scopePath IN (:...vantage)', { vantage: ancestorPaths(region.path) });
    }
    if (q.kind) qb.andWhere('l.kind = :kind', { kind: q.kind });
    if (q.q) qb.andWhere('l.title LIKE :text', { text: likeContains(q.q) });
    if (cursor) {
      qb.andWhere('(l.createdAt < :cAt OR (l.createdAt = :cAt AND l.id < :cId))', {
        cAt: cursor.createdAt,
        cId: cursor.id,
      });
    }
    const rows = await qb
      .orderBy('l.createdAt', 'DESC')
      .addOrderBy('l.id', 'DESC')
      .limit(limit + 1)
      .getMany();
    const page = toPage(rows, limit, (r) => [r.createdAt.toISOString(), r.id]);
    return { items: await this.views(page.items, now), nextCursor: page.nextCursor };
  }

  // ---- For the order path ------------------------------------------------------------------------

  /**
   * The listing row inside the caller's transaction, or null when there is none.
   *
   * Not locked by default: orders should not lock it, because the stock decrement
   * ({@link takeStock}, a conditional UPDATE) is what guards stock, and taking it last keeps the
   * row lock short. `{ lock: true }` reads it `FOR UPDATE` (held until the transaction ends) for
   * the rare caller that needs the row frozen.
   */
  async getForOrder(
    em: EntityManager,
    listingId: string,
    opts: { lock?: boolean } = {},
  ): Promise<ListingEntity | null> {
    return em.getRepository(ListingEntity).findOne({
      where: { id: listingId },
      ...(opts.lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
  }

  /**
   * Published, in the resident's scope (ancestor-or-self of their community) and valid at `now`.
   * `resident.regionPath` is the path of the resident's community (Actor.regionPath, or what
   * UsersService.getResidentInScope returns). Stock and eligibility are separate checks.
   */
  isOrderable(listing: ListingEntity, resident: { regionPath: string | null }, now: Date): Orderability {
    return orderability(listing, resident, now);
  }

  /** {@link isOrderable}, throwing 404 `LISTING_NOT_FOUND` or 422 `LISTING_NOT_AVAILABLE`. */
  assertOrderable(listing: ListingEntity, resident: { regionPath: string | null }, now: Date): void {
    const r = orderability(listing, resident, now);
    if (r.orderable) return;
    if (r.code === 'LISTING_NOT_FOUND') throw listingNotFound(listing.id);
    throw new DomainError(
      'LISTING_NOT_AVAILABLE',
      { listingId: listing.id, reason: r.reason },
      `the listing is not available (${r.reason.replace(/_/g, ' ')})`,
    );
  }

  /** Credit level and age rules of the listing; orders answer 403 `NOT_ELIGIBLE` when not met. */
  checkEligibility(listing: ListingEntity, facts: ResidentFacts, now: Date): EligibilityResult {
    return eligibilityCheck(
      {
        minCreditLevel: listing.minCreditLevel ?? undefined,
        minAge: listing.minAge ?? undefined,
      },
      facts,
      now,
    );
  }

  /**
   * Takes `quantity` units: `UPDATE listings SET stock = stock - ? WHERE id = ? AND stock >= ?`.
   * True when taken (always for an unlimited listing, which is left untouched and unlocked), false
   * when not enough is left. Throws 404 `LISTING_NOT_FOUND` when there is no such listing.
   */
  async takeStock(em: EntityManager, listingId: string, quantity: number): Promise<boolean> {
    assertQuantity(quantity);
    const res = await em.query('UPDATE listings SET stock = stock - ? WHERE id = ? AND stock >= ?', [
      quantity,
      listingId,
      quantity,
    ]);
    if (affectedRows(res) === 1) return true;
    // Not taken: either too little is left or the stock is unlimited (NULL never changes).
    const rows: Array<{ stock: number | null }> = await em.query('SELECT stock FROM listings WHERE id = ?', [
      listingId,
    ]);
    if (!rows.length) throw listingNotFound(listingId);
    return rows[0].stock === null;
  }

  /** Gives back units taken by an order (cancel, expiry, failure); nothing for unlimited stock. */
  async returnStock(em: EntityManager, listingId: string, quantity: number): Promise<void> {
    assertQuantity(quantity);
    await em.query('UPDATE listings SET stock = stock + ? WHERE id = ? AND stock IS NOT NULL', [
      quantity,
      listingId,
    ]);
  }

  /** Whether the caller is staff of the listing's provider (orders, redemption use this). */
  async managesListing(
    actor: Actor,
    listing: Pick<ListingEntity, 'providerOrganizationId'>,
  ): Promise<boolean> {
    const org = await this.regions.getOrganization(listing.providerOrganizationId);
    return !!org && managesProvider(actor, org);
  }

  /** Listings by id, for display next to orders and reports (no scope check: the caller did it). */
  async findByIds(ids: string[]): Promise<ListingEntity[]> {
    return ids.length ? this.listings.findBy({ id: In([...new Set(ids)]) }) : [];
  }

  // ---- Helpers -----------------------------------------------------------------------------------

  /** The listing and its provider when the caller manages it; 404 when they cannot see it, else 403. */
  private async getManaged(
    actor: Actor,
    id: string,
  ): Promise<{ row: ListingEntity; org: OrganizationEntity }> {
    const row = await this.listings.findOneBy({ id });
    if (!row) throw listingNotFound(id);
    const org = await this.regions.getOrganization(row.providerOrganizationId);
    if (org && managesProvider(actor, org)) return { row, org };
    if (listingVisibleTo(actor, row.scopePath))
      throw new DomainError('FORBIDDEN', { listingId: id }, 'only the listing’s organisation may change it');
    throw listingNotFound(id);
  }

  /**
   * The provider: the one named (which the caller must manage), else the caller's organisation,
   * else the community-type organisation of the caller's community (community staff without one).
   */
  private async resolveProvider(actor: Actor, providerId?: string): Promise<OrganizationEntity> {
    const id = providerId ?? actor.organizationId;
    if (id) {
      const org = await this.regions.getOrganizationInScope(actor, id);
      if (!managesProvider(actor, org)) {
        throw new DomainError(
          'FORBIDDEN',
          { providerOrganizationId: id },
          'you may only list for an organisation you work for',
        );
      }
      return org;
    }
    const own = actor.regionId
      ? (await this.regions.listOrganizations(actor, actor.regionId)).filter((o) => managesProvider(actor, o))
      : [];
    if (own.length === 1) return own[0];
    throw invalid(
      'providerOrganizationId',
      own.length
        ? 'several organisations could provide this listing: name one'
        : 'you have no organisation to list for: name one you work for',
    );
  }

  /** The scope region: a community, village, street or city of the provider's city (else 400). */
  private async resolveScope(
    actor: Actor,
    provider: OrganizationEntity,
    regionId: string,
  ): Promise<RegionEntity> {
    const field = 'scope.regionId';
    const region = await this.regions.get(regionId);
    const providerRegion = await this.regions.get(provider.regionId);
    if (!region || !providerRegion) throw notFound('region', regionId);
    if (actor.regionPath !== null && cityPathOf(region.path) !== cityPathOf(actor.regionPath))
      throw notFound('region', regionId);
    if (!SCOPE_KINDS.includes(region.kind))
      throw invalid(field, `must be a community, village, street or city (not a ${region.kind})`);
    if (!withinProviderReach(providerRegion.path, region.path))
      throw invalid(field, 'must lie in the provider’s city');
    return region;
  }

  /** The columns a PATCH changes, validated against the listing as it is. */
  private async patchOf(
    actor: Actor,
    row: ListingEntity,
    org: OrganizationEntity,
    dto: UpdateListingDto,
  ): Promise<Partial<ListingEntity>> {
    const p: Partial<ListingEntity> = {};
    const set = <K extends keyof ListingEntity>(k: K, v: ListingEntity[K] | undefined) => {
      if (v !== undefined && !sameValue(row[k], v)) p[k] = v;
    };
    set('kind', dto.kind);
    set('title', dto.title);
    set('description', dto.description);
    set('pointsPrice', dto.pointsPrice);
    set('redeemWithinDays', dto.redeemWithinDays);
    set('unitCostFen', dto.unitCostFen);
    set('donationId', dto.donationId);
    set('imageUrl', dto.imageUrl);
    if (dto.perResidentLimit !== undefined) {
      set('limitCount', dto.perResidentLimit?.count ?? null);
      set('limitPeriod', dto.perResidentLimit?.period ?? null);
    }
    if (dto.eligibility !== undefined) {
      set('minCreditLevel', dto.eligibility?.minCreditLevel ?? null);
      set('minAge', dto.eligibility?.minAge ?? null);
    }
    if (dto.validFrom !== undefined)
      set('validFrom', dto.validFrom === null ? null : new Date(dto.validFrom));
    if (dto.validUntil !== undefined)
      set('validUntil', dto.validUntil === null ? null : new Date(dto.validUntil));
    const from = p.validFrom !== undefined ? p.validFrom : row.validFrom;
    const until = p.validUntil !== undefined ? p.validUntil : row.validUntil;
    if (from && until && until.getTime() <= from.getTime())
      throw invalid('validUntil', 'must be after validFrom');
    if (dto.scope && dto.scope.regionId !== row.scopeRegionId) {
      const scope = await this.resolveScope(actor, org, dto.scope.regionId);
      p.scopeRegionId = scope.id;
      p.scopePath = scope.path;
    }
    return p;
  }

  private versionConflict(row: ListingEntity, expected: number): DomainError {
    return new DomainError(
      'CONFLICT',
      { listingId: row.id, expectedVersion: expected, currentVersion: row.version },
      'the listing was changed since that version',
    );
  }

  private async managedProviderIds(actor: Actor): Promise<string[]> {
    const ids = new Set<string>();
    const own = await this.regions.getOrganization(actor.organizationId);
    if (own && managesProvider(actor, own)) ids.add(own.id);
    if (actor.regionId && hasRole(actor, 'community_admin', 'community_staff')) {
      for (const o of await this.regions.listOrganizations(actor, actor.regionId))
        if (managesProvider(actor, o)) ids.add(o.id);
    }
    return [...ids];
  }

  private cursorOf(cursor: string | undefined): { createdAt: Date; id: string } | null {
    const parts = decodeCursor(cursor, TIME_ID);
    if (!parts) return null;
    const createdAt = new Date(String(parts[0]));
    if (typeof parts[0] !== 'string' || typeof parts[1] !== 'string' || Number.isNaN(createdAt.getTime()))
      throw invalid('cursor', 'cursor is not valid');
    return { createdAt, id: parts[1] };
  }

  /** Views with the provider's and the scope region's names (looked up once per distinct id). */
  private async views(
    rows: ListingEntity[],
    now: Date,
    orgs: Record<string, OrganizationEntity | null> = {},
    regions: Record<string, RegionEntity | null> = {},
  ): Promise<ListingView[]> {
    const orgIds = [...new Set(rows.map((r) => r.providerOrganizationId))].filter((i) => !(i in orgs));
    const regionIds = [...new Set(rows.map((r) => r.scopeRegionId))].filter((i) => !(i in regions));
    await Promise.all([
      ...orgIds.map(async (i) => (orgs[i] = await this.regions.getOrganization(i))),
      ...regionIds.map(async (i) => (regions[i] = await this.regions.get(i))),
    ]);
    return rows.map((r) => toListingView(r, now, orgs[r.providerOrganizationId], regions[r.scopeRegionId]));
  }
}

/** The API shape of a listing. */
export function toListingView(
  r: ListingEntity,
  now: Date,
  org?: OrganizationEntity | null,
  region?: RegionEntity | null,
): ListingView {
  return {
    id: r.id,
    kind: r.kind,
    title: r.title,
    description: r.description,
    pointsPrice: r.pointsPrice,
    stock: r.stock,
    perResidentLimit:
      r.limitCount !== null && r.limitPeriod !== null ? { count: r.limitCount, period: r.limitPeriod } : null,
    eligibility: {
      ...(r.minCreditLevel ? { minCreditLevel: r.minCreditLevel } : {}),
      ...(r.minAge !== null ? { minAge: r.minAge } : {}),
    },
    scope: { regionId: r.scopeRegionId, ...(region ? { name: region.name, kind: region.kind } : {}) },
    validFrom: r.validFrom ? r.validFrom.toISOString() : null,
    validUntil: r.validUntil ? r.validUntil.toISOString() : null,
    redeemWithinDays: r.redeemWithinDays,
    unitCostFen: r.unitCostFen,
    donationId: r.donationId,
    imageUrl: r.imageUrl,
    status: r.status,
    providerOrganizationId: r.providerOrganizationId,
    provider: { id: r.providerOrganizationId, ...(org ? { name: org.name, type: org.type } : {}) },
    available: r.status === 'published' && validityAt(r, now) === 'valid',
    createdBy: r.createdBy,
    version: r.version,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

function assertQuantity(quantity: number): void {
  if (!Number.isInteger(quantity) || quantity < 1)
    throw new Error(`quantity must be a positive integer: ${quantity}`);
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return a === b;
}
