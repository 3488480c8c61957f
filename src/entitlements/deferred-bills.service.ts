import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, hasRole, PARTNER_STAFF_ROLES } from '../common/actor';
import { forbidden, invalidState, notFound, refuse } from '../common/errors';
import { decodeCursor, TIME_ID, Page, pageLimit, toPage } from '../common/pagination';
import { TransactionService } from '../database/transaction.service';
import { UsersService } from '../identity/users.service';
import { NotificationsService } from '../notifications/notifications.service';
import { RegionsService } from '../regions/regions.service';
import { SettleUseDto, UseFilter, UsesQuery, UseView } from './dto/entitlements.dto';
import { EntitlementCountersRepository } from './entitlement-counters.repository';
import { BillRow, DueBillRow, EntitlementUsesRepository, UseScope } from './entitlement-uses.repository';
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
    private readonly uses: EntitlementUsesRepository,
    private readonly counters: EntitlementCountersRepository,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  /** POST /entitlements/uses/:id/settle: staff of the hospital that recorded the bill; idempotent. */
  async settle(
    actor: Actor,
    id: string,
    dto: SettleUseDto,
  ): Promise<UseView & { outstandingFen: number; overdueBills: number }> {
    return this.tx.run(async (tx) => {
      const bill = await this.uses.lockBill(tx, id);
      if (!bill || !actor.organizationId || bill.organization_id !== actor.organizationId)
        throw notFound('entitlement use', id);
      if (bill.resident_id === actor.id)
        throw refuse(
          'SELF_SERVICE_FORBIDDEN',
          { id },
          'you may not settle your own bill; a colleague records the payment',
        );
      if (bill.kind !== 'treat_first_pay_later')
        throw invalidState('only deferred bills are settled', { id, kind: bill.kind });
      if (bill.status !== 'settled') await this.pay(tx, actor, id, bill, dto.note ?? null);
      const b = await this.counters.balance(tx, bill.resident_id);
      return {
        ...toUseView(await this.uses.find(tx, id)),
        outstandingFen: b?.outstandingFen ?? 0,
        overdueBills: b?.overdueCount ?? 0,
      };
    });
  }

  /** The bill is settled and leaves the resident's balance (and overdue count), under its row lock. */
  private async pay(tx: EntityManager, actor: Actor, id: string, bill: BillRow, note: string | null): Promise<void> {
    if (!(await this.uses.settle(tx, { id, status: bill.status, settledBy: actor.id, note })))
      throw new Error(`bill ${id} changed under its row lock`);
    const overdue = bill.status === 'overdue' ? 1 : 0;
    if (!(await this.counters.pay(tx, bill.resident_id, bill.amount_fen, overdue)))
      throw new Error(`the deferred balance of resident ${bill.resident_id} is out of step with bill ${id}`);
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
    const ids = await this.uses.pageIds(this.db.manager, scope, {
      statuses: q.status ? STATUS_FILTER[q.status] : undefined,
      kind: q.kind,
      cursor,
      limit,
    });
    const uses = await this.uses.findMany(this.db.manager, ids);
    const byId = new Map(uses.map((u) => [u.id, u]));
    const names = await this.namesOf([...new Set(uses.map((u) => u.residentId))]);
    const views = ids.map((id) => byId.get(id)!).map((u) => toUseView(u, names.get(u.residentId) ?? ''));
    return {
      totals: await this.uses.deferredTotals(this.db.manager, scope),
      ...toPage(views, limit, (u) => [new Date(u.createdAt).toISOString(), u.id]),
    };
  }

  private async scopeOf(actor: Actor, regionId?: string): Promise<UseScope> {
    if (hasRole(actor, ...PARTNER_STAFF_ROLES)) {
      if (!actor.organizationId) throw forbidden('you belong to no organisation');
      return { organizationId: actor.organizationId };
    }
    return { regionPath: regionId ? (await this.regions.getInScope(actor, regionId)).path : actor.regionPath };
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
      const n = await this.tx.run(async (tx) => {
        const due = await this.uses.claimDue(tx, BATCH);
        due.sort((a, b) => (a.resident_id < b.resident_id ? -1 : a.resident_id > b.resident_id ? 1 : 0));
        for (const bill of due) await this.overdue(tx, bill);
        return due.length;
      });
      total += n;
      if (n < BATCH) return total;
    }
  }

  /** One bill overdue: the resident's balance counts it and the resident is told. */
  private async overdue(tx: EntityManager, bill: DueBillRow): Promise<void> {
    if (!(await this.uses.markOverdue(tx, bill.id))) return;
    if (!(await this.counters.countOverdue(tx, bill.resident_id)))
      throw new Error(`no deferred balance for resident ${bill.resident_id} (bill ${bill.id})`);
    await this.notifications.notify(tx, {
      userId: bill.resident_id,
      kind: 'entitlement_bill_overdue',
      title: '先诊疗后付费账单已逾期',
      body: `您有一笔 ${(bill.amount_fen / 100).toFixed(2)} 元的先诊疗后付费账单已逾期，结清前暂停“先诊疗后付费”。`,
      refType: 'entitlement_use',
      refId: bill.id,
    });
  }
}
