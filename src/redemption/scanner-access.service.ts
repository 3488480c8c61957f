import { Injectable } from '@nestjs/common';
import { Actor, hasRole, Role } from '../common/actor';
import { forbidden, invalid, refuse } from '../common/errors';
import { managesProvider } from '../catalog/catalog-rules';
import { RegionsService } from '../regions/regions.service';

/** An organisation as the regions module answers it. */
export type Organization = NonNullable<Awaited<ReturnType<RegionsService['getOrganization']>>>;

/** Who scans at a counter: partner staff, and community admins/staff for their community supermarket. */
export const SCANNER_ROLES: Role[] = [
  'merchant_staff',
  'hospital_staff',
  'canteen_staff',
  'community_admin',
  'community_staff',
];

/** Who sees and resolves disputes: the scanners, and the officials of the resident's region. */
export const DISPUTE_ROLES: Role[] = [...SCANNER_ROLES, 'street_officer', 'city_admin'];

/** Roles that see disputes of every resident of their region (not only of their organisation). */
const REGION_OVERSIGHT_ROLES: Role[] = ['community_admin', 'community_staff', 'street_officer', 'city_admin'];

/**
 * Which organisations a caller scans for. The voucher carries its organisation; the caller must
 * manage it exactly as they would manage its listings (CatalogService.managesListing's rule).
 */
@Injectable()
export class ScannerAccess {
  constructor(private readonly regions: RegionsService) {}

  async manages(actor: Actor, organizationId: string): Promise<boolean> {
    const org = await this.regions.getOrganization(organizationId);
    return !!org && managesProvider(actor, org);
  }

  /** Every organisation the caller scans for: their own, and a community supermarket of their community. */
  async managedOrganizations(actor: Actor): Promise<Organization[]> {
    const out = new Map<string, Organization>();
    const own = await this.regions.getOrganization(actor.organizationId);
    if (own && managesProvider(actor, own)) out.set(own.id, own);
    if (actor.regionId && hasRole(actor, 'community_admin', 'community_staff')) {
      for (const o of await this.regions.listOrganizations(actor, actor.regionId))
        if (managesProvider(actor, o)) out.set(o.id, o);
    }
    return [...out.values()];
  }

  /**
   * The one organisation a scanner acts for: the one named (which they must manage, else 403
   * WRONG_ORGANIZATION), else their only one.
   */
  async scannerOrganization(actor: Actor, requested?: string): Promise<Organization> {
    const orgs = await this.managedOrganizations(actor);
    if (requested) {
      const org = orgs.find((o) => o.id === requested);
      if (!org)
        throw refuse(
          'WRONG_ORGANIZATION',
          { organizationId: requested },
          'you do not work for this organisation',
        );
      return org;
    }
    if (orgs.length === 1) return orgs[0];
    if (!orgs.length) throw forbidden('you scan for no organisation (partner or community staff only)');
    throw invalid('organizationId', 'you work for several organisations: name one');
  }

  /**
   * What disputes a caller may see: those of the organisations they scan for, and, for community
   * staff, street officers and city administrators, those of residents of their region
   * (`regionPath` null = the whole platform; undefined = no regional view).
   */
  async disputeScope(
    actor: Actor,
  ): Promise<{ organizationIds: string[]; regionPath: string | null | undefined }> {
    const organizationIds = (await this.managedOrganizations(actor)).map((o) => o.id);
    const regionPath = hasRole(actor, ...REGION_OVERSIGHT_ROLES) ? actor.regionPath : undefined;
    return { organizationIds, regionPath };
  }
}
