import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor, hasRole } from '../common/actor';
import { DomainError } from '../common/domain-error';
import { conflict, forbidden, invalid, invalidState, notFound, refuse } from '../common/errors';
import { IdempotencyService } from '../common/idempotency.service';
import { newId } from '../common/ids';
import { decodeCursor, TIME_ID, Page, pageLimit, toPage } from '../common/pagination';
import { TransactionService } from '../database/transaction.service';
import type { OrganizationEntity, RegionEntity } from '../regions/regions.service';
import { likeContains } from '../common/sql';
import { RegionsService } from '../regions/regions.service';
import {
  ancestorPaths,
  cityPathOf,
  eligibilityCheck,
  EligibilityResult,
  LISTING_MANAGER_ROLES,
  listingVisibleTo,
  managesProvider,
  Orderability,
  orderability,
  ResidentFacts,
  SCOPE_KINDS,
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

/** The listing type other modules use (the entity stays this module's own). */
export type { ListingEntity } from './entities/listing.entity';
import { fieldPatch } from './listing-patch';
import { toListingView } from './listing-view';
import { ListingFilter, ListingsRepository } from './listings.repository';

export const listingNotFound = (listingId: string) =>
  refuse('LISTING_NOT_FOUND', { listingId }, 'listing not found');

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
    private readonly listings: ListingsRepository,
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
        const row = await this.listings.insert(em, {
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
      const changed = await this.tx.run((em) => this.listings.updateVersion(em, id, row.version, patch));
      if (changed) return this.get(actor, id);
      if (dto.version !== undefined) throw this.versionConflict(row, dto.version);
    }
    throw conflict('the listing is being edited; try again', { listingId: id });
  }

  /** Adds to a counted stock: `stock = stock + ?` under a condition, never read-then-write. */
  async restock(actor: Actor, id: string, quantity: number): Promise<ListingView> {
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_RESTOCK)
      throw invalid('quantity', `must be an integer from 1 to ${MAX_RESTOCK}`);
    const { row } = await this.getManaged(actor, id);
    await this.tx.run(async (em) => {
      if (await this.listings.addStock(em, id, quantity)) return;
      if (row.stock === null) throw invalidState('the stock is unlimited', { listingId: id, stock: null });
      throw conflict('the stock would exceed its maximum', { listingId: id });
    });
    return this.get(actor, id);
  }

  /** Publishes or unpublishes; doing it twice is harmless (the second call changes nothing). */
  async setStatus(actor: Actor, id: string, status: ListingStatus): Promise<ListingView> {
    await this.getManaged(actor, id);
    await this.tx.run((em) => this.listings.setStatus(em, id, status));
    return this.get(actor, id);
  }

  /** A listing the caller may see (it circulates in their region, or they manage it), or 404. */
  async get(actor: Actor, id: string): Promise<ListingView> {
    const row = await this.listings.byId(id);
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
    const now = new Date();
    const filter: ListingFilter = { cursor: decodeCursor(q.cursor, TIME_ID), limit: limit + 1, kind: q.kind };
    if (q.manage) {
      if (!hasRole(actor, ...LISTING_MANAGER_ROLES))
        throw forbidden('only provider staff manage listings', { manage: true });
      filter.providers = await this.managedProviderIds(actor);
      if (!filter.providers.length) return { items: [], nextCursor: null };
      filter.status = q.status;
    } else {
      if (q.status) throw invalid('status', 'filters by status only with manage=true');
      filter.orderableAt = now;
      if (actor.regionPath !== null)
        filter.circulating = { ancestors: ancestorPaths(actor.regionPath), below: `${actor.regionPath}%` };
    }
    if (q.regionId) {
      const region = await this.regions.get(q.regionId);
      if (!region || (actor.regionPath !== null && cityPathOf(region.path) !== cityPathOf(actor.regionPath)))
        throw notFound('region', q.regionId);
      filter.scopePaths = ancestorPaths(region.path);
    }
    if (q.q) filter.titleLike = likeContains(q.q);
    const page = toPage(await this.listings.list(filter), limit, (r) => [r.createdAt.toISOString(), r.id]);
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
    return this.listings.byIdIn(em, listingId, !!opts.lock);
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
    throw refuse(
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
    if ((await this.listings.takeStock(em, listingId, quantity)) === 1) return true;
    // Not taken: either too little is left or the stock is unlimited (NULL never changes).
    const stock = await this.listings.stockOf(em, listingId);
    if (stock === undefined) throw listingNotFound(listingId);
    return stock === null;
  }

  /** Group commit: locks the listings of a batch (id order); their stock (null: unlimited, absent: no listing). */
  lockStocks(em: EntityManager, listingIds: string[]): Promise<Map<string, number | null>> {
    return this.listings.lockStocks(em, listingIds);
  }

  /** Group commit: takes each counted listing's sum at once; false unless every one had enough. */
  async takeStockMany(em: EntityManager, takes: Array<[string, number]>): Promise<boolean> {
    return !takes.length || (await this.listings.takeStockMany(em, takes)) === takes.length;
  }

  /** Gives back units taken by an order (cancel, expiry, failure); nothing for unlimited stock. */
  async returnStock(em: EntityManager, listingId: string, quantity: number): Promise<void> {
    assertQuantity(quantity);
    await this.listings.returnStock(em, listingId, quantity);
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
    return this.listings.byIds(ids);
  }

  // ---- Helpers -----------------------------------------------------------------------------------

  /** The listing and its provider when the caller manages it; 404 when they cannot see it, else 403. */
  private async getManaged(
    actor: Actor,
    id: string,
  ): Promise<{ row: ListingEntity; org: OrganizationEntity }> {
    const row = await this.listings.byId(id);
    if (!row) throw listingNotFound(id);
    const org = await this.regions.getOrganization(row.providerOrganizationId);
    if (org && managesProvider(actor, org)) return { row, org };
    if (listingVisibleTo(actor, row.scopePath))
      throw forbidden('only the listing’s organisation may change it', { listingId: id });
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
        throw forbidden('you may only list for an organisation you work for', { providerOrganizationId: id });
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
    const p = fieldPatch(row, dto);
    if (dto.scope && dto.scope.regionId !== row.scopeRegionId) {
      const scope = await this.resolveScope(actor, org, dto.scope.regionId);
      p.scopeRegionId = scope.id;
      p.scopePath = scope.path;
    }
    return p;
  }

  private versionConflict(row: ListingEntity, expected: number): DomainError {
    return conflict('the listing was changed since that version', {
      listingId: row.id,
      expectedVersion: expected,
      currentVersion: row.version,
    });
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

function assertQuantity(quantity: number): void {
  if (!Number.isInteger(quantity) || quantity < 1)
    throw new Error(`quantity must be a positive integer: ${quantity}`);
}
