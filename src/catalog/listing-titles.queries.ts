import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { ListingEntity } from './entities/listing.entity';

/** Listings' titles by id, for the lines of other modules' lists (redemptions, disputes, scans). */
@Injectable()
export class ListingTitlesQueries {
  async of(tx: EntityManager, listingIds: Array<string | null>): Promise<Map<string, string>> {
    const ids = [...new Set(listingIds.filter((id): id is string => !!id))];
    const rows = ids.length
      ? await tx
          .getRepository(ListingEntity)
          .find({ select: { id: true, title: true }, where: { id: In(ids) } })
      : [];
    return new Map(rows.map((l) => [l.id, l.title]));
  }
}
