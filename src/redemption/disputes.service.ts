import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../common/actor';
import { notFound, refuse } from '../common/errors';
import { newId } from '../common/ids';
import { decodeCursor, TIME_ID, Page, pageLimit, toPage } from '../common/pagination';
import { TransactionService } from '../database/transaction.service';
import { maskName } from '../common/masking';
import type { OrderEntity } from '../orders/redemption-capture.queries';
import { CounterFacts, OrderFacts } from './counter-facts';
import { DisputeScanRow, DisputesRepository, DisputeVisibility } from './disputes.repository';
import { DisputesQuery, DisputeView, ResolveDisputeDto } from './dto/redemption.dto';
import type { DisputeKind } from './entities/redemption-dispute.entity';
import { ScannerAccess } from './scanner-access.service';

/**
 * Disputes raised by offline scans that could not be captured. Staff of the organisation see theirs;
 * community staff, street officers and city administrators see those of residents of their region.
 * Anyone else gets 404, like a missing dispute. Resolving records who and when, once.
 */
@Injectable()
export class DisputesService {
  constructor(
    private readonly tx: TransactionService,
    private readonly access: ScannerAccess,
    private readonly repo: DisputesRepository,
    private readonly counter: CounterFacts,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  /** Inside the offline scan's transaction. */
  async open(
    tx: EntityManager,
    d: {
      organizationId: string;
      order: Pick<OrderEntity, 'id' | 'communityId'>;
      offlineScanId: string;
      deviceId: string;
      kind: DisputeKind;
    },
  ): Promise<string> {
    const id = newId();
    await this.repo.insert(tx, {
      id,
      organization_id: d.organizationId,
      order_id: d.order.id,
      community_id: d.order.communityId,
      offline_scan_id: d.offlineScanId,
      device_id: d.deviceId,
      kind: d.kind,
    });
    return id;
  }

  async list(actor: Actor, q: DisputesQuery): Promise<Page<DisputeView>> {
    const limit = pageLimit(q);
    const cursor = decodeCursor(q.cursor, TIME_ID);
    const rows = await this.repo.list(this.db.manager, await this.visibility(actor), {
      status: q.status,
      cursor,
      limit,
    });
    const views = await this.views(rows);
    return toPage(views, limit, (d) => [new Date(d.createdAt).toISOString(), d.id]);
  }

  async resolve(actor: Actor, id: string, dto: ResolveDisputeDto): Promise<DisputeView> {
    const dispute = await this.getVisible(actor, id); // 404 outside the caller's view
    const order = (await this.counter.ofOrders(this.db.manager, [dispute.orderId])).get(dispute.orderId);
    if (order?.residentId === actor.id)
      throw refuse(
        'SELF_SERVICE_FORBIDDEN',
        { disputeId: id },
        'you may not resolve a dispute about your own voucher',
      );
    await this.tx.run(async (tx) => {
      const changed = await this.repo.resolve(tx, id, {
        resolution: dto.resolution,
        note: dto.note ?? null,
        resolvedBy: actor.id,
      });
      if (!changed) {
        const now = await this.repo.find(tx, id);
        throw refuse(
          'ALREADY_RESOLVED',
          {
            disputeId: id,
            resolution: now?.resolution,
            resolvedBy: now?.resolved_by,
            resolvedAt: now?.resolved_at,
          },
          'this dispute was already resolved',
        );
      }
    });
    return this.getVisible(actor, id);
  }

  private async getVisible(actor: Actor, id: string): Promise<DisputeView> {
    const row = await this.repo.findVisible(this.db.manager, await this.visibility(actor), id);
    if (!row) throw notFound('dispute', id);
    return (await this.views([row]))[0];
  }

  private async views(rows: DisputeScanRow[]): Promise<DisputeView[]> {
    const orders = await this.counter.ofOrders(
      this.db.manager,
      rows.map((r) => r.order_id),
    );
    return rows.map((r) => toDisputeView(r, orders.get(r.order_id)));
  }

  private async visibility(actor: Actor): Promise<DisputeVisibility> {
    const scope = await this.access.disputeScope(actor);
    if (scope.regionPath === null) return 'all';
    return {
      organizationIds: scope.organizationIds,
      communityIds: scope.regionPath
        ? await this.counter.regionIdsUnder(this.db.manager, scope.regionPath)
        : [],
    };
  }
}

function toDisputeView(r: DisputeScanRow, o: OrderFacts | undefined): DisputeView {
  return {
    id: r.id,
    organizationId: r.organization_id,
    orderId: r.order_id,
    communityId: r.community_id,
    deviceId: r.device_id,
    scanId: r.scan_id ?? null,
    scannedAt: r.scanned_at ?? null,
    kind: r.kind,
    status: r.status,
    resolution: r.resolution ?? null,
    note: r.note ?? null,
    resolvedBy: r.resolved_by ?? null,
    resolvedAt: r.resolved_at ?? null,
    createdAt: r.created_at,
    listingId: o?.listingId ?? null,
    listingTitle: o?.listingTitle ?? null,
    points: o ? o.points : null,
    resident: { displayName: maskName(o?.residentName) },
  };
}
