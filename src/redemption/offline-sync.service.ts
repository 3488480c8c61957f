import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, hasRole } from '../common/actor';
import { DomainError } from '../common/domain-error';
import { newId } from '../common/ids';
import { validationFailed } from '../common/validation';
import { isDuplicateKey, TransactionService } from '../database/transaction.service';
import { RegionsService } from '../regions/regions.service';
import type { CodeClaims } from '../signing/code-format';
import { cityIdOfPath, CodeSigner } from '../signing/code-signer.service';
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
import { ScannerAccess } from './scanner-access.service';

type Checked = { claims: CodeClaims } | { invalid: string };

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
 * back. Each scan is its own transaction whose first statement inserts the scan's row: the unique
 * (organisation, device, scan id) makes a replayed or concurrent upload of the same scan a
 * `duplicate` that changes nothing. A scan of a voucher that was meanwhile redeemed, cancelled or
 * expired is never captured a second time: it becomes a `conflict` and a dispute.
 */
@Injectable()
export class OfflineSyncService {
  constructor(
    private readonly tx: TransactionService,
    private readonly signer: CodeSigner,
    private readonly access: ScannerAccess,
    private readonly captures: CaptureService,
    private readonly disputes: DisputesService,
    private readonly regions: RegionsService,
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
      this.db.query(
        `SELECT id FROM orders WHERE provider_organization_id = ? AND status IN ('cancelled', 'expired', 'redeemed')
            AND expires_at > ? ORDER BY id`,
        [org.id, now],
      ) as Promise<Array<{ id: string }>>,
    ]);
    return {
      organizationId: org.id,
      deviceId: q.deviceId ?? null,
      keys: keys.map((k) => ({ kid: k.kid, publicKey: k.publicKey, algorithm: k.algorithm })),
      revoked: revoked.map((r) => r.id),
      validUntil: new Date(now.getTime() + allowance.bundleTtlSeconds * 1000),
      allowance: { maxScans: allowance.maxScans, maxPoints: allowance.maxPoints },
      generatedAt: now,
    };
  }

  async batch(actor: Actor, dto: OfflineBatchDto): Promise<{ results: ScanResult[] }> {
    const problems = scanTimeProblems(dto.scans, new Date());
    if (problems.length) throw validationFailed(problems);
    const org = await this.access.scannerOrganization(actor, dto.organizationId);
    const meter = new AllowanceMeter(await this.allowanceOf(org.id));
    const results: ScanResult[] = new Array(dto.scans.length);
    // In the order the scans were made, so that the allowance flags the last ones.
    for (const i of processingOrder(dto.scans)) {
      results[i] = await this.process(actor, org.id, dto.deviceId, dto.scans[i], meter);
    }
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
    await this.tx.run((em) =>
      em.query(
        `INSERT INTO offline_allowances (organization_id, max_scans, max_points, bundle_ttl_seconds, updated_by, updated_at)
         VALUES (?, ?, ?, ?, ?, CURRENT_TIMESTAMP(3))
         ON DUPLICATE KEY UPDATE max_scans = VALUES(max_scans), max_points = VALUES(max_points),
           bundle_ttl_seconds = VALUES(bundle_ttl_seconds), updated_by = VALUES(updated_by)`,
        [orgId, dto.maxScans, dto.maxPoints, ttl, actor.id],
      ),
    );
    return { organizationId: orgId, ...(await this.allowanceOf(orgId)) };
  }

  private async allowanceOrganization(actor: Actor, organizationId?: string): Promise<string> {
    if (hasRole(actor, 'city_admin')) {
      if (!organizationId)
        throw validationFailed([{ field: 'organizationId', problems: ['name the organisation'] }]);
      return (await this.regions.getOrganizationInScope(actor, organizationId)).id;
    }
    return (await this.access.scannerOrganization(actor, organizationId)).id;
  }

  private async allowanceOf(
    organizationId: string,
  ): Promise<{ maxScans: number; maxPoints: number; bundleTtlSeconds: number }> {
    const rows: Array<{ max_scans: number; max_points: number; bundle_ttl_seconds: number }> =
      await this.db.query(
        'SELECT max_scans, max_points, bundle_ttl_seconds FROM offline_allowances WHERE organization_id = ?',
        [organizationId],
      );
    if (!rows[0]) return { ...DEFAULT_ALLOWANCE };
    return {
      maxScans: Number(rows[0].max_scans),
      maxPoints: Number(rows[0].max_points),
      bundleTtlSeconds: Number(rows[0].bundle_ttl_seconds),
    };
  }

  /** One scan, one transaction. */
  private async process(
    actor: Actor,
    organizationId: string,
    deviceId: string,
    scan: OfflineScanDto,
    meter: AllowanceMeter,
  ): Promise<ScanResult> {
    // The signature check reads nothing that the scan's transaction changes: done before it.
    const checked = await this.check(scan.code, organizationId);
    const scannedAt = new Date(scan.scannedAt);
    try {
      const outcome = await this.tx.run(async (em) => {
        const rowId = newId();
        await em.query(
          `INSERT INTO offline_scans (id, organization_id, device_id, scan_id, order_id, status, reason, scanned_at, received_at, over_allowance, uploaded_by)
           VALUES (?, ?, ?, ?, NULL, 'invalid', NULL, ?, CURRENT_TIMESTAMP(3), 0, ?)`,
          [rowId, organizationId, deviceId, scan.scanId, scannedAt, actor.id],
        );
        const o = await this.apply(
          em,
          actor,
          { rowId, organizationId, deviceId, scan, scannedAt },
          checked,
          meter,
        );
        return o;
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
      const prior = await this.prior(organizationId, deviceId, scan.scanId);
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
    em: EntityManager,
    actor: Actor,
    s: { rowId: string; organizationId: string; deviceId: string; scan: OfflineScanDto; scannedAt: Date },
    checked: Checked,
    meter: AllowanceMeter,
  ): Promise<Outcome> {
    const record = async (o: Outcome): Promise<Outcome> => {
      await em.query(
        'UPDATE offline_scans SET status = ?, reason = ?, order_id = ?, over_allowance = ? WHERE id = ?',
        [o.status, o.reason, o.orderId, o.overAllowance ? 1 : 0, s.rowId],
      );
      return o;
    };
    const none = { orderId: null, overAllowance: false, points: 0 };
    if ('invalid' in checked) return record({ ...none, status: 'invalid', reason: checked.invalid });
    const order = await this.captures.lockOrder(em, checked.claims.subject);
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
      await this.captures.capture(em, order, {
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
    await this.disputes.open(em, {
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

  private async prior(
    organizationId: string,
    deviceId: string,
    scanId: string,
  ): Promise<{ status: OfflineScanStatus; order_id: string | null } | undefined> {
    const rows: Array<{ status: OfflineScanStatus; order_id: string | null }> = await this.db.query(
      'SELECT status, order_id FROM offline_scans WHERE organization_id = ? AND device_id = ? AND scan_id = ?',
      [organizationId, deviceId, scanId],
    );
    return rows[0];
  }
}
