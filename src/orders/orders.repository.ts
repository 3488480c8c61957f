import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { afterTimeId } from '../common/pagination';
import { OrderEntity } from './entities/order.entity';
import { OPEN_STATUSES, OrderStatus } from './order-state-machine';
import { Where } from '../common/sql';

/** An order as placement writes it: every column set at placement, the later ones still empty. */
export interface NewOrder {
  id: string;
  residentId: string;
  communityId: string;
  listingId: string;
  providerOrganizationId: string;
  quantity: number;
  unitPoints: number;
  totalPoints: number;
  status: 'pending';
  holdTransferId: string;
  limitPeriodKey: string | null;
  expiresAt: Date;
  createdAt: Date;
}

/** The one column list of placement: each `orders` column and the field it is written from. */
const PLACED_COLUMNS: ReadonlyArray<readonly [string, keyof NewOrder]> = [
  ['id', 'id'],
  ['resident_id', 'residentId'],
  ['community_id', 'communityId'],
  ['listing_id', 'listingId'],
  ['provider_organization_id', 'providerOrganizationId'],
  ['quantity', 'quantity'],
  ['unit_points', 'unitPoints'],
  ['total_points', 'totalPoints'],
  ['status', 'status'],
  ['hold_transfer_id', 'holdTransferId'],
  ['limit_period_key', 'limitPeriodKey'],
  ['expires_at', 'expiresAt'],
  ['created_at', 'createdAt'],
  ['updated_at', 'createdAt'],
];

/** What a list of orders filters on (one of resident or provider). */
export interface OrderFilter {
  residentId?: string;
  providerOrganizationId?: string;
  status?: OrderStatus;
  listingId?: string;
  cursor: Array<string | number> | null;
  limit: number;
}

/** The statements on `orders` that are not state transitions (those are in order-state-machine.ts). */
@Injectable()
export class OrdersRepository {
  async insert(tx: EntityManager, order: NewOrder): Promise<void> {
    await this.insertMany(tx, [order]);
  }

  /** Many placed orders in one statement (group commit). */
  async insertMany(tx: EntityManager, orders: NewOrder[]): Promise<void> {
    if (!orders.length) return;
    const row = `(${PLACED_COLUMNS.map(() => '?').join(', ')})`;
    await tx.query(
      `INSERT INTO orders (${PLACED_COLUMNS.map(([c]) => c).join(', ')}) VALUES ${orders.map(() => row).join(', ')}`,
      orders.flatMap((order) => PLACED_COLUMNS.map(([, field]) => order[field])),
    );
  }

  byId(tx: EntityManager, id: string): Promise<OrderEntity | null> {
    return tx.getRepository(OrderEntity).findOneBy({ id });
  }

  byIds(tx: EntityManager, ids: string[]): Promise<OrderEntity[]> {
    return ids.length ? tx.getRepository(OrderEntity).findBy({ id: In(ids) }) : Promise.resolve([]);
  }

  /** A page of orders (`limit` rows), newest first, keyset on (created_at, id). */
  async page(tx: EntityManager, f: OrderFilter): Promise<OrderEntity[]> {
    const w = new Where();
    const filters: Array<[string, unknown]> = [
      ['resident_id', f.residentId],
      ['provider_organization_id', f.providerOrganizationId],
      ['status', f.status],
      ['listing_id', f.listingId],
    ];
    for (const [column, value] of filters) if (value !== undefined) w.and(`o.${column} = ?`, value);
    w.and(afterTimeId(f.cursor, 'o.created_at', 'o.id'));
    const found: Array<Pick<OrderEntity, 'id'>> = await tx.query(
      `SELECT id FROM orders o ${w.sql} ORDER BY o.created_at DESC, o.id DESC LIMIT ?`,
      [...w.params, f.limit],
    );
    const byId = new Map(
      (
        await this.byIds(
          tx,
          found.map((r) => r.id),
        )
      ).map((o) => [o.id, o]),
    );
    return found.map((r) => byId.get(r.id)!);
  }

  /** The order row `FOR UPDATE`; with `skipLocked`, null when another transaction holds it. */
  lockById(tx: EntityManager, id: string, skipLocked: boolean): Promise<OrderEntity | null> {
    return tx.getRepository(OrderEntity).findOne({
      where: { id },
      lock: skipLocked
        ? { mode: 'pessimistic_write', onLocked: 'skip_locked' }
        : { mode: 'pessimistic_write' },
    });
  }

  /** Locks these orders (`FOR UPDATE`, in id order: the lock order of a batch). */
  lockByIds(tx: EntityManager, ids: string[]): Promise<OrderEntity[]> {
    if (!ids.length) return Promise.resolve([]);
    return tx
      .getRepository(OrderEntity)
      .createQueryBuilder('o')
      .where('o.id IN (:...ids)', { ids: [...new Set(ids)].sort() })
      .orderBy('o.id')
      .setLock('pessimistic_write')
      .getMany();
  }

  /** Claims (locks, skipping locked rows) up to `limit` open orders past their deadline, oldest first. */
  claimDue(tx: EntityManager, limit: number): Promise<OrderEntity[]> {
    return tx
      .getRepository(OrderEntity)
      .createQueryBuilder('o')
      .where('o.status IN (:...open)', { open: OPEN_STATUSES })
      .andWhere('o.expires_at <= CURRENT_TIMESTAMP(3)')
      .orderBy('o.expires_at')
      .limit(limit)
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .getMany();
  }

  /** Claims up to `limit` ready orders that expire within a day and were not reminded yet. */
  claimExpiringUnnotified(tx: EntityManager, limit: number): Promise<OrderEntity[]> {
    return tx
      .getRepository(OrderEntity)
      .createQueryBuilder('o')
      .where("o.status = 'ready'")
      .andWhere('o.expiry_notified_at IS NULL')
      .andWhere('o.expires_at <= DATE_ADD(CURRENT_TIMESTAMP(3), INTERVAL 1 DAY)')
      .andWhere('o.expires_at > CURRENT_TIMESTAMP(3)')
      .limit(limit)
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .getMany();
  }

  async markExpiryNotified(tx: EntityManager, id: string): Promise<void> {
    await tx.query(
      'UPDATE orders SET expiry_notified_at = CURRENT_TIMESTAMP(3) WHERE id = ? AND expiry_notified_at IS NULL',
      [id],
    );
  }

  /** Pending orders untouched for `idleMs`, oldest first. */
  async idlePendingIds(tx: EntityManager, idleMs: number, limit: number): Promise<string[]> {
    const rows: Array<Pick<OrderEntity, 'id'>> = await tx.query(
      `SELECT id FROM orders WHERE status = 'pending'
          AND updated_at <= DATE_SUB(CURRENT_TIMESTAMP(3), INTERVAL ? MICROSECOND)
        ORDER BY updated_at LIMIT ?`,
      [idleMs * 1000, limit],
    );
    return rows.map((r) => r.id);
  }

  /** Marks a pending order as just tried, so that it waits its turn again. */
  async touchPending(tx: EntityManager, id: string): Promise<void> {
    await tx.query(
      "UPDATE orders SET updated_at = CURRENT_TIMESTAMP(3) WHERE id = ? AND status = 'pending'",
      [id],
    );
  }
}
