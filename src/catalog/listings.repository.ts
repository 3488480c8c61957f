import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository, SelectQueryBuilder } from 'typeorm';
import { afterTimeId } from '../common/pagination';
import { affectedRows } from '../database/transaction.service';
import { ListingEntity } from './entities/listing.entity';
import type { ListingStatus } from './catalog-rules';

const INT_MAX = 2_147_483_647;

/** What a list of listings filters on; the service decides which of these a caller may use. */
export interface ListingFilter {
  /** Managed listings of these providers (any status or window) instead of the orderable ones. */
  providers?: string[];
  status?: ListingStatus;
  /** Orderable at this time: published and within its window. */
  orderableAt?: Date;
  /** The caller's own region path: listings circulating there (`ancestors`) or below it. */
  circulating?: { ancestors: string[]; below: string };
  /** Listings whose scope is one of these paths. */
  scopePaths?: string[];
  kind?: string;
  /** A LIKE pattern on the title. */
  titleLike?: string;
  cursor: Array<string | number> | null;
  limit: number;
}

/**
 * The statements on `listings`. Stock changes are conditional updates that return how many rows
 * changed; the service decides what a 0 means.
 */
@Injectable()
export class ListingsRepository {
  constructor(@InjectRepository(ListingEntity) private readonly listings: Repository<ListingEntity>) {}

  async insert(
    tx: EntityManager,
    row: Omit<ListingEntity, 'createdAt' | 'updatedAt'>,
  ): Promise<ListingEntity> {
    await tx.getRepository(ListingEntity).insert(row);
    return tx.getRepository(ListingEntity).findOneByOrFail({ id: row.id });
  }

  byId(id: string): Promise<ListingEntity | null> {
    return this.listings.findOneBy({ id });
  }

  /** The row inside a transaction, `FOR UPDATE` with `lock`. */
  byIdIn(tx: EntityManager, id: string, lock = false): Promise<ListingEntity | null> {
    return tx.getRepository(ListingEntity).findOne({
      where: { id },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
  }

  byIds(ids: string[]): Promise<ListingEntity[]> {
    return ids.length ? this.listings.findBy({ id: In([...new Set(ids)]) }) : Promise.resolve([]);
  }

  /** Applies a patch to the version that was read, bumping it; returns the rows changed. */
  async updateVersion(
    tx: EntityManager,
    id: string,
    version: number,
    patch: Partial<ListingEntity>,
  ): Promise<number> {
    const result = await tx
      .createQueryBuilder()
      .update(ListingEntity)
      .set({ ...patch, version: () => 'version + 1' })
      .where('id = :id AND version = :version', { id, version })
      .execute();
    return result.affected ?? affectedRows(result.raw);
  }

  /** Sets the status unless it is that already; returns the rows changed. */
  async setStatus(tx: EntityManager, id: string, status: ListingStatus): Promise<number> {
    return affectedRows(
      await tx.query('UPDATE listings SET status = ?, version = version + 1 WHERE id = ? AND status <> ?', [
        status,
        id,
        status,
      ]),
    );
  }

  /** Adds to a counted stock unless it would pass INT_MAX; returns the rows changed. */
  async addStock(tx: EntityManager, id: string, quantity: number): Promise<number> {
    return affectedRows(
      await tx.query(
        'UPDATE listings SET stock = stock + ? WHERE id = ? AND stock IS NOT NULL AND stock <= ? - ?',
        [quantity, id, INT_MAX, quantity],
      ),
    );
  }

  /** Takes units when enough are left; returns the rows changed (0 for unlimited stock too). */
  async takeStock(tx: EntityManager, id: string, quantity: number): Promise<number> {
    return affectedRows(
      await tx.query('UPDATE listings SET stock = stock - ? WHERE id = ? AND stock >= ?', [
        quantity,
        id,
        quantity,
      ]),
    );
  }

  /** Locks these listings (id order, the lock order of a batch) and returns their stock. */
  async lockStocks(tx: EntityManager, ids: string[]): Promise<Map<string, number | null>> {
    const rows: Array<Pick<ListingEntity, 'id' | 'stock'>> = await tx.query(
      'SELECT id, stock FROM listings WHERE id IN (?) ORDER BY id FOR UPDATE',
      [[...ids].sort()],
    );
    return new Map(rows.map((r) => [r.id, r.stock === null ? null : Number(r.stock)]));
  }

  /** Takes units of many counted stocks in one conditional statement; returns the rows changed. */
  async takeStockMany(tx: EntityManager, takes: Array<[string, number]>): Promise<number> {
    const cases = `CASE id ${takes.map(() => 'WHEN ? THEN ?').join(' ')} END`;
    const pairs = takes.flatMap(([id, q]) => [id, q]);
    return affectedRows(
      await tx.query(`UPDATE listings SET stock = stock - ${cases} WHERE id IN (?) AND stock >= ${cases}`, [
        ...pairs,
        takes.map(([id]) => id),
        ...pairs,
      ]),
    );
  }

  /** Gives units back to a counted stock (unlimited stock stays NULL). */
  async returnStock(tx: EntityManager, id: string, quantity: number): Promise<void> {
    await tx.query('UPDATE listings SET stock = stock + ? WHERE id = ? AND stock IS NOT NULL', [
      quantity,
      id,
    ]);
  }

  /** The stock of a listing (`null` unlimited), or undefined when there is no such listing. */
  async stockOf(tx: EntityManager, id: string): Promise<number | null | undefined> {
    const rows: Array<Pick<ListingEntity, 'stock'>> = await tx.query(
      'SELECT stock FROM listings WHERE id = ?',
      [id],
    );
    return rows.length ? rows[0].stock : undefined;
  }

  /** A page of listings (`limit` rows), newest first, keyset on (created_at, id). */
  list(f: ListingFilter): Promise<ListingEntity[]> {
    const qb = this.listings.createQueryBuilder('l').where('1 = 1');
    if (f.providers) qb.andWhere('l.providerOrganizationId IN (:...providers)', { providers: f.providers });
    if (f.status) qb.andWhere('l.status = :status', { status: f.status });
    if (f.orderableAt) {
      qb.andWhere('l.status = :published', { published: 'published' })
        .andWhere('(l.validFrom IS NULL OR l.validFrom <= :now)', { now: f.orderableAt })
        .andWhere('(l.validUntil IS NULL OR l.validUntil > :now)', { now: f.orderableAt });
    }
    if (f.circulating)
      qb.andWhere('(l.scopePath IN (:...mine) OR l.scopePath LIKE :below)', {
        mine: f.circulating.ancestors,
        below: f.circulating.below,
      });
    if (f.scopePaths) qb.andWhere('l.scopePath IN (:...vantage)', { vantage: f.scopePaths });
    if (f.kind) qb.andWhere('l.kind = :kind', { kind: f.kind });
    if (f.titleLike) qb.andWhere('l.title LIKE :text', { text: f.titleLike });
    andAfter(qb, afterTimeId(f.cursor, 'l.createdAt', 'l.id'));
    return qb.orderBy('l.createdAt', 'DESC').addOrderBy('l.id', 'DESC').limit(f.limit).getMany();
  }
}

/** ANDs a positional `{ sql, params }` clause into a query builder (which takes named parameters). */
function andAfter<T extends object>(
  qb: SelectQueryBuilder<T>,
  clause: { sql: string; params: unknown[] } | null,
): void {
  if (!clause) return;
  const named: Record<string, unknown> = {};
  let i = 0;
  const sql = clause.sql.replace(/\?/g, () => {
    named[`after${i}`] = clause.params[i];
    return `:after${i++}`;
  });
  qb.andWhere(sql, named);
}
