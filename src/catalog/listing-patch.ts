import { invalid } from '../common/errors';
import { UpdateListingDto } from './dto/listing.dto';
import { ListingEntity } from './entities/listing.entity';

/** Whether a PATCH value equals the stored one (dates by instant). */
function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return a === b;
}

/**
 * The columns a PATCH changes besides its scope (which the service resolves against regions),
 * validated against the listing as it is: only values that differ, and validFrom/validUntil ordered.
 */
export function fieldPatch(row: ListingEntity, dto: UpdateListingDto): Partial<ListingEntity> {
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
  if (dto.validFrom !== undefined) set('validFrom', dto.validFrom === null ? null : new Date(dto.validFrom));
  if (dto.validUntil !== undefined)
    set('validUntil', dto.validUntil === null ? null : new Date(dto.validUntil));
  const from = p.validFrom !== undefined ? p.validFrom : row.validFrom;
  const until = p.validUntil !== undefined ? p.validUntil : row.validUntil;
  if (from && until && until.getTime() <= from.getTime())
    throw invalid('validUntil', 'must be after validFrom');
  return p;
}
