import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, hasRole } from '../common/actor';
import { DomainError } from '../common/domain-error';
import { invalid, invalidFields } from '../common/errors';
import { newId } from '../common/ids';
import { isDuplicateKey, TransactionService } from '../database/transaction.service';
import { RegionsService } from '../regions/regions.service';
import type { CodeClaims } from '../signing/code-format';
import { cityIdOfPath, CodeSigner } from '../signing/code-signer.service';
import { RedemptionCaptureQueries } from '../orders/redemption-capture.queries';
import { CaptureService } from './capture.service';
import { DisputesService } from './disputes.service';
import {
  AllowanceDto,
  AllowanceView,
  BundleQuery,
  OfflineBatchDto,
  OfflineBundle,
  OfflineScanDto,
  ScanResult,
} from './dto/redemption.dto';
import type { OfflineScanStatus } from './entities/offline-scan.entity';
import {
  AllowanceMeter,
  DEFAULT_ALLOWANCE,
  judgeVoucher,
  processingOrder,
  scanTimeProblems,
} from './redemption-rules';
import { OfflineBatchesRepository } from './offline-batches.repository';
import { ScannerAccess } from './scanner-access.service';
import { Checked, OfflineUploadBatch } from './offline-upload.service';

interface Outcome {
  status: OfflineScanStatus;
  orderId: string | null;
  reason: string | null;
  overAllowance: boolean;
  points: number;
}

/**
 * Scanning without a network. The bundle gives a device what it needs to check codes alone (public
 * keys, the organisation's vouchers that no longer redeem, its allowance); the batch brings the scans
 * back. An upload is applied as one group commit ({@link OfflineUploadBatch}: one transaction, a few
 * multi-row statements, the captures by `CaptureService.captureMany`). When that fails as a whole
 * (a scan uploaded before: a replayed or concurrent upload), each scan is its own transaction whose
 * first statement inserts the scan's row: the unique (organisation, device, scan id) makes a scan
 * uploaded before a `duplicate` that changes nothing. A scan of a voucher that was meanwhile redeemed, cancelled or
 * expired is never captured a second time: it becomes a `conflict` and a dispute.
 */
@Injectable()
export class OfflineSyncService {
  private readonly log = new Logger('OfflineSync');

  constructor(
    private readonly tx: TransactionService,
    private readonly signer: CodeSigner,
    private readonly access: ScannerAccess,
    private readonly captures: CaptureService,
    private readonly disputes: DisputesService,
    private readonly regions: RegionsService,
    private readonly orders: RedemptionCaptureQueries,
    private readonly repo: OfflineBatchesRepository,
    private readonly upload: OfflineUploadBatch,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async bundle(actor: Actor, q: BundleQuery): Promise<OfflineBundle> {
    const org = await this.access.scannerOrganization(actor, q.organizationId);
    const now = new Date();
    const orgRegion = await this.regions.get(org.regionId);
    const [allowance, keys, revoked] = await Promise.all([
      this.allowanceOf(org.id),
      // The vouchers of this organisation are signed with its city's keys.
      this.signer.publicKeys(cityIdOfPath(orgRegion?.path)),
      // Vouchers whose signature still looks valid (signed expiry ahead) but that no longer redeem.
      this.orders.closedVoucherIds(this.db.manager, org.id, now),
    ]);
    return {
      organizationId: org.id,
      deviceId: q.deviceId ?? null,
      keys: keys.map((k) => ({ kid: k.kid, publicKey: k.publicKey, algorithm: k.algorithm })),
      revoked,
      validUntil: new Date(now.getTime() + allowance.bundleTtlSeconds * 1000),
      allowance: { maxScans: allowance.maxScans, maxPoints: allowance.maxPoints },
      generatedAt: now,
    };
  }

  async batch(actor: Actor, dto: OfflineBatchDto): Promise<{ results: ScanResult[] }> {
    const problems = scanTimeProblems(dto.scans, new Date());
    if (problems.length) throw invalidFields(problems);
    const org = await this.access.scannerOrganization(actor, dto.organizationId);
    const allowance = await this.allowanceOf(org.id);
    // In the order the scans were made, so that the allowance flags the last ones.
    const order = processingOrder(dto.scans);
    const results: ScanResult[] = new Array(dto.scans.length);
    // The signature checks read nothing that the transaction changes: done before it.
    const checked: Checked[] = [];
    for (const i of order) checked.push(await this.check(dto.scans[i].code, org.id));
    try {
      const upload = {
        actor,
        organizationId: org.id,
        deviceId: dto.deviceId,
        scans: order.map((i, n) => ({ scan: dto.scans[i], checked: checked[n] })),
        allowance,
      };
      const done = await this.tx.run((tx) => this.upload.apply(tx, upload));
      order.forEach((i, n) => (results[i] = done[n]));
      return { results };
    } catch (err) {
      // A scan uploaded before (a replay, or the same batch uploaded twice at once), or any other
      // failure of the whole: one scan, one transaction, as the scans were made.
      if (!isDuplicateKey(err))
        this.log.warn(`an offline upload failed as a whole (${(err as Error).message}); one scan at a time`);
    }
    const meter = new AllowanceMeter(allowance);
    for (const [n, i] of order.entries())
      results[i] = await this.process(actor, org.id, dto.deviceId, dto.scans[i], checked[n], meter);
    return { results };
  }

  async getAllowance(actor: Actor, organizationId?: string): Promise<AllowanceView> {
    const orgId = await this.allowanceOrganization(actor, organizationId);
    return { organizationId: orgId, ...(await this.allowanceOf(orgId)) };
  }

  /** Staff of the organisation, or a city administrator (who names it). */
  async setAllowance(actor: Actor, dto: AllowanceDto): Promise<AllowanceView> {
    const orgId = await this.allowanceOrganization(actor, dto.organizationId);
    const ttl = dto.bundleTtlSeconds ?? DEFAULT_ALLOWANCE.bundleTtlSeconds;
    await this.tx.run((tx) =>
      this.repo.putAllowance(tx, {
        organization_id: orgId,
        max_scans: dto.maxScans,
        max_points: dto.maxPoints,
        bundle_ttl_seconds: ttl,
        updated_by: actor.id,
      }),
    );
    return { organizationId: orgId, ...(await this.allowanceOf(orgId)) };
  }

  private async allowanceOrganization(actor: Actor, organizationId?: string): Promise<string> {
    if (hasRole(actor, 'city_admin')) {
      if (!organizationId) throw invalid('organizationId', 'name the organisation');
      return (await this.regions.getOrganizationInScope(actor, organizationId)).id;
    }
    return (await this.access.scannerOrganization(actor, organizationId)).id;
  }

  private async allowanceOf(
    organizationId: string,
  ): Promise<{ maxScans: number; maxPoints: number; bundleTtlSeconds: number }> {
    const row = await this.repo.allowance(this.db.manager, organizationId);
    if (!row) return { ...DEFAULT_ALLOWANCE };
    return {
      maxScans: Number(row.max_scans),
      maxPoints: Number(row.max_points),
      bundleTtlSeconds: Number(row.bundle_ttl_seconds),
    };
  }

  /** One scan, one transaction. */
  private async process(
    actor: Actor,
    organizationId: string,
    deviceId: string,
    scan: OfflineScanDto,
    checked: Checked,
    meter: AllowanceMeter,
  ): Promise<ScanResult> {
    const scannedAt = new Date(scan.scannedAt);
    try {
      const outcome = await this.tx.run(async (tx) => {
        const rowId = newId();
        await this.repo.insertScan(tx, {
          id: rowId,
          organization_id: organizationId,
          device_id: deviceId,
          scan_id: scan.scanId,
          scanned_at: scannedAt,
          uploaded_by: actor.id,
        });
        return this.apply(tx, actor, { rowId, organizationId, deviceId, scan, scannedAt }, checked, meter);
      });
      if (outcome.status === 'accepted') meter.add(outcome.points);
      return {
        scanId: scan.scanId,
        status: outcome.status,
        ...(outcome.orderId ? { orderId: outcome.orderId } : {}),
        ...(outcome.reason ? { reason: outcome.reason } : {}),
        ...(outcome.overAllowance ? { overAllowance: true } : {}),
      };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const prior = await this.repo.findScan(this.db.manager, {
        organizationId,
        deviceId,
        scanId: scan.scanId,
      });
      if (!prior) throw err;
      return {
        scanId: scan.scanId,
        status: 'duplicate',
        ...(prior.order_id ? { orderId: prior.order_id } : {}),
        firstStatus: prior.status,
      };
    }
  }

  /**
   * Judges the scan and records its outcome on the scan's row; an accepted scan is recorded before
   * the capture, whose ledger post is then the last statement before the commit.
   */
  private async apply(
    tx: EntityManager,
    actor: Actor,
    s: { rowId: string; organizationId: string; deviceId: string; scan: OfflineScanDto; scannedAt: Date },
    checked: Checked,
    meter: AllowanceMeter,
  ): Promise<Outcome> {
    const record = async (o: Outcome): Promise<Outcome> => {
      await this.repo.recordOutcome(tx, s.rowId, o);
      return o;
    };
    const none = { orderId: null, overAllowance: false, points: 0 };
    if ('invalid' in checked) return record({ ...none, status: 'invalid', reason: checked.invalid });
    const order = await this.captures.lockOrder(tx, checked.claims.subject);
    if (!order || order.providerOrganizationId !== s.organizationId)
      return record({ ...none, status: 'invalid', reason: 'unknown_order' });
    // Staff never redeem their own vouchers, offline neither: nothing is captured.
    if (order.residentId === actor.id)
      return record({ ...none, status: 'invalid', orderId: order.id, reason: 'self_service_forbidden' });
    const verdict = judgeVoucher(order, s.scannedAt);
    if (verdict.ok) {
      const accepted = await record({
        status: 'accepted',
        orderId: order.id,
        reason: null,
        overAllowance: meter.exceeds(order.totalPoints),
        points: order.totalPoints,
      });
      await this.captures.capture(tx, order, {
        actorId: actor.id,
        deviceId: s.deviceId,
        channel: 'offline',
        scanId: s.scan.scanId,
        scannedAt: s.scannedAt,
      });
      return accepted;
    }
    if (!verdict.dispute)
      return record({ ...none, status: 'invalid', orderId: order.id, reason: 'not_ready' });
    await this.disputes.open(tx, {
      organizationId: s.organizationId,
      order,
      offlineScanId: s.rowId,
      deviceId: s.deviceId,
      kind: verdict.dispute,
    });
    return record({ ...none, status: 'conflict', orderId: order.id, reason: verdict.dispute });
  }

  /** The code's claims, or why a device should not have accepted it. */
  private async check(code: string, organizationId: string): Promise<Checked> {
    let claims: CodeClaims;
    try {
      claims = await this.signer.verify(code);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'INVALID_CODE') return { invalid: 'invalid_code' };
      throw err;
    }
    if (claims.type !== 'voucher' || !claims.aux) return { invalid: 'not_a_voucher' };
    if (claims.aux !== organizationId) return { invalid: 'wrong_organization' };
    return { claims };
  }
}
