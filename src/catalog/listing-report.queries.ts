import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** What a donation trace shows of a listing: its title and its stock now. */
export interface ListingGlimpseRow {
  id: string;
  title: string;
  stock: number | null;
}

/** The catalog's reads for donation traces (read-only, on `tx`). */
@Injectable()
export class ListingReportQueries {
  async glimpses(tx: EntityManager, listingIds: string[]): Promise<ListingGlimpseRow[]> {
    if (!listingIds.length) return [];
    const rows: Array<{ id: string; title: string; stock: number | null }> = await tx.query(
      'SELECT id, title, stock FROM listings WHERE id IN (?)',
      [listingIds],
    );
    return rows.map((r) => ({ id: r.id, title: r.title, stock: r.stock }));
  }
}
