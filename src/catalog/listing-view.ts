import type { OrganizationEntity, RegionEntity } from '../regions/regions.service';
import { validityAt } from './catalog-rules';
import { ListingView } from './dto/listing.dto';
import { ListingEntity } from './entities/listing.entity';

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
