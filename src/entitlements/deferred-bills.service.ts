import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { Actor, hasRole, PARTNER_STAFF_ROLES } from '../common/actor';
import { DomainError } from '../common/domain-error';
import { notFound } from '../common/errors';
import { decodeCursor, TIME_ID, Page, pageLimit, toPage } from '../common/pagination';
import { affectedRows, TransactionService } from '../database/transaction.service';
import { UsersService } from '../identity/users.service';
import { NotificationsService } from '../notifications/notifications.service';
import { RegionsService } from '../regions/regions.service';
import { SettleUseDto, UseFilter, UsesQuery, UseView } from './dto/entitlements.dto';
import { EntitlementUseEntity } from './entities/entitlement-use.entity';
import { toUseView } from './use-view';

const BATCH = 200;

const STATUS_FILTER: Record<UseFilter, string[]> = {
  outstanding: ['outstanding', 'overdue'],
  overdue: ['overdue'],
  settled: ['settled'],
  recorded: ['recorded'],
};

export interface UsesPage extends Page<UseView> {
  /** Deferred bills in the caller's scope (hospital or region), whatever the filter. */
  totals: { outstandingFen: number; overdueFen: number; count: number; overdueCount: number };
}

/**
 * Deferred bills (treat first, pay later): settling, listing, and marking them overdue. A bill is
 * `outstanding` → `overdue` (the database decides: `due_at <= CURRENT_TIMESTAMP(3)`) → `settled`;
 * every change of status is a conditional UPDATE and moves the resident's balance row with it.
 */
@Injectable()
export class DeferredBillsService {
  constructor(
    private readonly tx: TransactionService,
    private readonly regions: RegionsService,
    private readonly users: UsersService,
    private readonly notifications: NotificationsService,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  /** POST /entitlements/uses/:id/settle: staff of the hospital that recorded the bill; idempotent. */
  async settle(
    actor: Actor,
    id: string,
    dto: SettleUseDto,
  ): Promise<UseView & { outstandingFen: number; overdueBills: number }> {
    return this.tx.run(async (em) => {
      const [row]: Array<{
        status: string;
        kind: string;
        organization_id: string;
        resident_id: string;
        amount_fen: string;
      }> = await em.query(
        'SELECT status, kind, organization_id, resident_id, amount_fen FROM entitlement_uses WHERE id = ? FOR UPDATE',
        [id],
      );
      if (!row || !actor.organizationId || row.organization_id !== actor.organizationId)
        throw notFound('entitlement use', id);
      if (row.resident_id === actor.id)
        throw new DomainError(
          'SELF_SERVICE_FORBIDDEN',
          { id },
          'you may not settle your own bill; a colleague records the payment',
        );
      if (row.kind !== 'treat_first_pay_later') {
        throw new DomainError('INVALID_STATE', { id, kind: row.kind }, 'only deferred bills are settled');
      }
      if (row.status !== 'settled') {
        const settled = await em.query(
          `UPDATE entitlement_uses SET status = 'settled', settled_at = CURRENT_TIMESTAMP(3), settled_by = ?, settle_note = ?
            WHERE id = ? AND status = ?`,
          [actor.id, dto.note ?? null, id, row.status],
        );
        if (affectedRows(settled) !== 1) throw new Error(`bill ${id} changed under its row lock`);
        const amount = Number(row.amount_fen);
        const overdue = row.status === 'overdue' ? 1 : 0;
        const paid = await em.query(
          `UPDATE entitlement_balances SET outstanding_fen = outstanding_fen - ?, overdue_count = overdue_count - ?
            WHERE resident_id = ? AND outstanding_fen >= ? AND overdue_count >= ?`,
          [amount, overdue, row.resident_id, amount, overdue],
        );
        if (affectedRows(paid) !== 1)
          throw new Error(
            `the deferred balance of resident ${row.resident_id} is out of step with bill ${id}`,
          );
      }
      const [b]: Array<{ outstanding_fen: string; overdue_count: number }> = await em.query(
        'SELECT outstanding_fen, overdue_count FROM entitlement_balances WHERE resident_id = ?',
        [row.resident_id],
      );
      const use = await em.getRepository(EntitlementUseEntity).findOneByOrFail({ id });
      return {
        ...toUseView(use),
        outstandingFen: Number(b?.outstanding_fen ?? 0),
        overdueBills: Number(b?.overdue_count ?? 0),
      };
    });
  }

  /**
   * GET /entitlements/uses: hospital and canteen staff see their organisation's uses; street officers
   * and city admins those of residents in their region (or a region of it). Totals of unpaid deferred
   * bills come with every page.
   */
  async list(actor: Actor, q: UsesQuery): Promise<UsesPage> {
    const scope = await this.scopeOf(actor, q.regionId);
    const limit = pageLimit(q);
    const cursor = decodeCursor(q.cursor, TIME_ID);
    const where = [scope.sql];
    const params: unknown[] = [...scope.params];
    if (q.status) {
      where.push('u.status IN (?)');
      params.push(STATUS_FILTER[q.status]);
    }
    if (q.kind) {
      where.push('u.kind = ?');
      params.push(q.kind);
    }
    if (cursor) {
      where.push('(u.created_at < ? OR (u.created_at = ? AND u.id < ?))');
      params.push(new Date(String(cursor[0])), new Date(String(cursor[0])), cursor[1]);
    }
    const found: Array<{ id: string }> = await this.db.query(
      `SELECT u.id FROM entitlement_uses u WHERE ${where.join(' AND ')} ORDER BY u.created_at DESC, u.id DESC LIMIT ?`,
      [...params, limit + 1],
    );
    const uses = found.length
      ? await this.db.getRepository(EntitlementUseEntity).findBy({ id: In(found.map((f) => f.id)) })
      : [];
    const byId = new Map(uses.map((u) => [u.id, u]));
    const names = await this.namesOf([...new Set(uses.map((u) => u.residentId))]);
    const views = found.map((f) => byId.get(f.id)!).map((u) => toUseView(u, names.get(u.residentId) ?? ''));
    const [t]: Array<Record<string, string | number | null>> = await this.db.query(
      `SELECT COALESCE(SUM(CASE WHEN u.status IN ('outstanding', 'overdue') THEN u.amount_fen END), 0) AS outstanding_fen,
              COALESCE(SUM(CASE WHEN u.status = 'overdue' THEN u.amount_fen END), 0) AS overdue_fen,
              COALESCE(SUM(u.status IN ('outstanding', 'overdue')), 0) AS n,
              COALESCE(SUM(u.status = 'overdue'), 0) AS overdue_n
         FROM entitlement_uses u WHERE ${scope.sql} AND u.kind = 'treat_first_pay_later'`,
      scope.params,
    );
    return {
      totals: {
        outstandingFen: Number(t.outstanding_fen),
        overdueFen: Number(t.overdue_fen),
        count: Number(t.n),
        overdueCount: Number(t.overdue_n),
      },
      ...toPage(views, limit, (u) => [new Date(u.createdAt).toISOString(), u.id]),
    };
  }

  private async scopeOf(actor: Actor, regionId?: string): Promise<{ sql: string; params: unknown[] }> {
    if (hasRole(actor, ...PARTNER_STAFF_ROLES)) {
      if (!actor.organizationId) throw new DomainError('FORBIDDEN', {}, 'you belong to no organisation');
      return { sql: 'u.organization_id = ?', params: [actor.organizationId] };
    }
    const path = regionId ? (await this.regions.getInScope(actor, regionId)).path : actor.regionPath;
    return path === null
      ? { sql: '1 = 1', params: [] }
      : { sql: 'u.region_path LIKE ?', params: [`${path}%`] };
  }

  private async namesOf(ids: string[]): Promise<Map<string, string>> {
    const users = await Promise.all(ids.map((id) => this.users.findById(id)));
    return new Map(users.filter((u) => !!u).map((u) => [u!.id, u!.displayName]));
  }

  /**
   * Marks unpaid bills past their due time overdue and suspends the resident's treat first, pay later
   * (overdue_count + 1); returns how many. Rows are claimed with FOR UPDATE SKIP LOCKED and balances
   * taken in resident order, so several workers share the work without deadlocking each other.
   */
  async markOverdue(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.tx.run(async (em) => {
        const due: Array<{ id: string; resident_id: string; amount_fen: string }> = await em.query(
          `SELECT id, resident_id, amount_fen FROM entitlement_uses
            WHERE status = 'outstanding' AND due_at <= CURRENT_TIMESTAMP(3)
            ORDER BY due_at LIMIT ? FOR UPDATE SKIP LOCKED`,
          [BATCH],
        );
        due.sort((a, b) => (a.resident_id < b.resident_id ? -1 : a.resident_id > b.resident_id ? 1 : 0));
        for (const bill of due) {
          const marked = await em.query(
            `UPDATE entitlement_uses SET status = 'overdue', overdue_at = CURRENT_TIMESTAMP(3)
              WHERE id = ? AND status = 'outstanding' AND due_at <= CURRENT_TIMESTAMP(3)`,
            [bill.id],
          );
          if (affectedRows(marked) !== 1) continue;
          const counted = await em.query(
            'UPDATE entitlement_balances SET overdue_count = overdue_count + 1 WHERE resident_id = ?',
            [bill.resident_id],
          );
          if (affectedRows(counted) !== 1)
            throw new Error(`no deferred balance for resident ${bill.resident_id} (bill ${bill.id})`);
          await this.notifications.notify(em, {
            userId: bill.resident_id,
            kind: 'entitlement_bill_overdue',
            title: '先诊疗后付费账单已逾期',
            body: `您有一笔 ${(Number(bill.amount_fen) / 100).toFixed(2)} 元的先诊疗后付费账单已逾期，结清前暂停“先诊疗后付费”。`,
            refType: 'entitlement_use',
            refId: bill.id,
          });
        }
        return due.length;
      });
      total += n;
      if (n < BATCH) return total;
    }
  }
}
