import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor } from '../common/actor';
import { newId } from '../common/ids';
import { OrderEntity, RedemptionCaptureQueries } from '../orders/redemption-capture.queries';
import type { CodeClaims } from '../signing/code-format';
import { planCaptures, ScanPlan } from './capture-plan';
import { BatchCapture, CaptureService } from './capture.service';
import { DisputesService } from './disputes.service';
import type { OfflineScanDto, ScanResult } from './dto/redemption.dto';
import type { DisputeKind } from './entities/redemption-dispute.entity';
import { OfflineBatchesRepository, ScanOutcome } from './offline-batches.repository';
import { AllowanceLimits, AllowanceMeter } from './redemption-rules';

/** A scan's code as checked before the transaction: its claims, or why it is invalid. */
export type Checked = { claims: CodeClaims } | { invalid: string };

/** An upload: who, where, and its scans in the order they were made, each with its check. */
export interface Upload {
  actor: Actor;
  organizationId: string;
  deviceId: string;
  scans: Array<{ scan: OfflineScanDto; checked: Checked }>;
  allowance: AllowanceLimits;
}

interface Judged {
  outcome: ScanOutcome & { points: number };
  dispute: DisputeKind | null;
}

const NONE = { orderId: null, overAllowance: false, points: 0 };

/**
 * An offline upload applied as one group commit: its scans' rows in one insert, the orders locked
 * in id order, every scan judged in the order the scans were made as if one at a time
 * ({@link planCaptures} at each scan's own time, the allowance counted along), the outcomes in one
 * update, disputes for conflicts, and the accepted scans captured together by
 * {@link CaptureService.captureMany} (the provider's account credited once, last). A scan uploaded
 * before makes the insert fail: the caller then answers the upload one scan at a time.
 */
@Injectable()
export class OfflineUploadBatch {
  constructor(
    private readonly orders: RedemptionCaptureQueries,
    private readonly captures: CaptureService,
    private readonly disputes: DisputesService,
    private readonly repo: OfflineBatchesRepository,
  ) {}

  /** The results in the upload's order (the order the scans were made). */
  async apply(tx: EntityManager, u: Upload): Promise<ScanResult[]> {
    const rowIds = u.scans.map(() => newId());
    await this.repo.insertScans(
      tx,
      u.scans.map(({ scan }, i) => ({
        id: rowIds[i],
        organization_id: u.organizationId,
        device_id: u.deviceId,
        scan_id: scan.scanId,
        scanned_at: new Date(scan.scannedAt),
        uploaded_by: u.actor.id,
      })),
    );
    const orderIdOf = (c: Checked) => ('claims' in c ? c.claims.subject : null);
    const locked = await this.orders.lockMany(
      tx,
      u.scans.flatMap(({ checked }) => orderIdOf(checked) ?? []),
    );
    const orders = new Map(locked.map((o) => [o.id, o]));
    const plan = planCaptures(
      u.scans.map(({ scan, checked }) => ({
        actorId: u.actor.id,
        orderId: orderIdOf(checked) ?? '',
        organizationId: u.organizationId,
        at: new Date(scan.scannedAt),
      })),
      orders,
    );
    const meter = new AllowanceMeter(u.allowance);
    const judged = u.scans.map(({ checked }, i) => {
      const j = judge(
        'invalid' in checked ? checked.invalid : null,
        plan[i],
        orders.get(orderIdOf(checked)!),
      );
      if (j.outcome.status === 'accepted') {
        j.outcome.overAllowance = meter.exceeds(j.outcome.points);
        meter.add(j.outcome.points);
      }
      return j;
    });
    await this.repo.recordOutcomes(
      tx,
      judged.map((j, i) => ({ id: rowIds[i], outcome: j.outcome })),
    );
    for (const [i, j] of judged.entries())
      if (j.dispute)
        await this.disputes.open(tx, {
          organizationId: u.organizationId,
          order: orders.get(j.outcome.orderId!)!,
          offlineScanId: rowIds[i],
          deviceId: u.deviceId,
          kind: j.dispute,
        });
    const { creditLater } = await this.captures.captureMany(tx, this.accepted(u, judged, orders));
    await creditLater();
    return judged.map(({ outcome: o }, i) => ({
      scanId: u.scans[i].scan.scanId,
      status: o.status,
      ...(o.orderId ? { orderId: o.orderId } : {}),
      ...(o.reason ? { reason: o.reason } : {}),
      ...(o.overAllowance ? { overAllowance: true } : {}),
    }));
  }

  private accepted(u: Upload, judged: Judged[], orders: Map<string, OrderEntity>): BatchCapture[] {
    return judged.flatMap((j, i) =>
      j.outcome.status === 'accepted'
        ? [
            {
              order: orders.get(j.outcome.orderId!)!,
              by: {
                actorId: u.actor.id,
                deviceId: u.deviceId,
                channel: 'offline' as const,
                scanId: u.scans[i].scan.scanId,
                scannedAt: new Date(u.scans[i].scan.scannedAt),
              },
            },
          ]
        : [],
    );
  }
}

/** A scan's outcome from its check and its plan (today's offline answers). */
function judge(invalid: string | null, p: ScanPlan, order: OrderEntity | undefined): Judged {
  const plain = (
    o: Omit<ScanOutcome, 'overAllowance'> & { points?: number },
    dispute: DisputeKind | null = null,
  ) => ({
    outcome: { overAllowance: false, points: 0, ...o },
    dispute,
  });
  if (invalid !== null) return plain({ ...NONE, status: 'invalid', reason: invalid });
  switch (p.kind) {
    case 'capture':
      return plain({ status: 'accepted', orderId: order!.id, reason: null, points: order!.totalPoints });
    case 'self':
      return plain({ ...NONE, status: 'invalid', orderId: order!.id, reason: 'self_service_forbidden' });
    case 'repeat':
      return plain(
        { ...NONE, status: 'conflict', orderId: order!.id, reason: 'already_redeemed' },
        'already_redeemed',
      );
    case 'refused':
      return p.verdict.dispute
        ? plain(
            { ...NONE, status: 'conflict', orderId: order!.id, reason: p.verdict.dispute },
            p.verdict.dispute,
          )
        : plain({ ...NONE, status: 'invalid', orderId: order!.id, reason: 'not_ready' });
    default:
      return plain({ ...NONE, status: 'invalid', reason: 'unknown_order' });
  }
}
