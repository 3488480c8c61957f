import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Actor } from '../common/actor';
import { DomainError } from '../common/domain-error';
import { invalid, notFound, refuse } from '../common/errors';
import { RedemptionCaptureQueries } from '../orders/redemption-capture.queries';
import type { CodeClaims } from '../signing/code-format';
import { RegionsService } from '../regions/regions.service';
import { cityIdOfPath, CodeSigner, PLATFORM_CHAIN, PublicKeyView } from '../signing/code-signer.service';
import { AuditLine, CaptureBatcher } from './capture-batcher.service';
import { assertNotOwnVoucher, CaptureService, invalidCode } from './capture.service';
import { RedeemDto, RedemptionResult, RotateKeyDto, VerifyView } from './dto/redemption.dto';
import { judgeVoucher } from './redemption-rules';
import { ScanAuditRepository } from './scan-audit.repository';
import { ScannerAccess } from './scanner-access.service';

/**
 * Online scanning at the counter. A scan checks the code (signature, key, type) and that the caller
 * works for the voucher's organisation, then hands the capture to the {@link CaptureBatcher}: the
 * scans arriving together are captured in one transaction (orders locked in id order, each judged,
 * moved to `redeemed`, holds posted), each with its own answer. Every scan leaves one line in
 * `scan_audit`; a failed scan leaves nothing else (no key, no capture).
 */
@Injectable()
export class RedemptionService {
  private readonly log = new Logger('Redemption');

  constructor(
    private readonly signer: CodeSigner,
    private readonly access: ScannerAccess,
    private readonly captures: CaptureService,
    private readonly batcher: CaptureBatcher,
    private readonly regions: RegionsService,
    private readonly orders: RedemptionCaptureQueries,
    private readonly scans: ScanAuditRepository,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  /** A dry run: what the code is and whether it would redeem now. Writes nothing. */
  async verify(actor: Actor, code: string): Promise<VerifyView> {
    const claims = await this.authenticate(actor, code);
    const order = await this.orders.find(this.db.manager, claims.subject);
    if (!order || order.providerOrganizationId !== claims.aux) throw invalidCode('unknown order');
    assertNotOwnVoucher(actor, order);
    const verdict = judgeVoucher(order, new Date());
    return {
      wouldRedeem: verdict.ok,
      ...(verdict.ok ? {} : { reason: verdict.code }),
      ...(await this.captures.facts(this.db.manager, order)),
      expiresAt: order.expiresAt,
    };
  }

  /**
   * A scan at the counter: the code is checked here (signature, voucher, the caller's organisation),
   * then the capture goes to the process's {@link CaptureBatcher} and is applied together with the
   * scans that arrive with it, in one transaction, with its own answer.
   */
  async redeem(actor: Actor, dto: RedeemDto, key?: string): Promise<RedemptionResult> {
    const deviceId = dto.deviceId ?? null;
    const line: AuditLine = {
      actorId: actor.id,
      organizationId: actor.organizationId,
      deviceId,
      outcome: 'REDEEMED',
      orderId: null,
    };
    let claims: CodeClaims;
    try {
      claims = await this.authenticate(actor, dto.code, line);
    } catch (err) {
      const outcome = err instanceof DomainError ? err.code : 'INTERNAL_ERROR';
      await this.scans
        .insert(this.db.manager, {
          actor_id: line.actorId,
          organization_id: line.organizationId,
          device_id: line.deviceId,
          outcome,
          order_id: line.orderId,
        })
        .catch((e: Error) => this.log.error(`could not write the scan audit line: ${e.message}`));
      throw err;
    }
    return this.batcher.submit(
      { actor, orderId: claims.subject, organizationId: claims.aux!, deviceId, key, line },
      dto.code,
    );
  }

  /**
   * The signing keys the caller deals with: the platform administrator sees every city's; anyone
   * else the keys of their own city (and the platform chain's, which still verifies older codes).
   */
  async listKeys(actor: Actor): Promise<PublicKeyView[]> {
    return this.signer.listKeys(actor.regionPath === null ? null : cityIdOfPath(actor.regionPath));
  }

  /**
   * Rotates one city's keys: a city administrator their own city's (naming another city is 404);
   * the platform administrator the city they name, or the platform chain when they name none.
   */
  async rotateKey(actor: Actor, dto: RotateKeyDto = {}): Promise<PublicKeyView> {
    const cityId = await this.keyCityOf(actor, dto.cityId ?? undefined);
    const key = await this.signer.rotate(cityId);
    this.log.log(`signing key rotated by ${actor.username}: new key ${key.kid}`);
    return key;
  }

  /** Revokes a retired key: a city administrator only their own city's (others are 404). */
  async revokeKey(actor: Actor, kid: string): Promise<PublicKeyView> {
    if (!/^[0-9a-f]{8}$/.test(kid)) throw invalid('kid', 'must be 8 lowercase hex characters');
    const key = await this.signer.revoke(
      kid,
      actor.regionPath === null ? null : cityIdOfPath(actor.regionPath),
    );
    this.log.warn(`signing key ${kid} revoked by ${actor.username}`);
    return key;
  }

  private async keyCityOf(actor: Actor, cityId?: string): Promise<string> {
    if (actor.regionPath !== null) {
      const own = cityIdOfPath(actor.regionPath);
      if (cityId !== undefined && cityId !== own) throw notFound('city', cityId);
      return own;
    }
    if (cityId === undefined) return PLATFORM_CHAIN;
    const city = await this.regions.get(cityId);
    if (!city || city.kind !== 'city') throw notFound('city', cityId);
    return city.id;
  }

  /**
   * The code's claims when it is a genuine voucher of an organisation the caller works for:
   * 400 INVALID_CODE for anything forged, altered, truncated or signed with an unknown or revoked
   * key; 403 WRONG_ORGANIZATION for another organisation's voucher.
   */
  private async authenticate(actor: Actor, code: string, line?: AuditLine): Promise<CodeClaims> {
    const claims = await this.signer.verify(code);
    if (claims.type !== 'voucher' || !claims.aux) throw invalidCode('not a voucher');
    if (line) {
      line.organizationId = claims.aux;
      line.orderId = claims.subject;
    }
    if (!(await this.access.manages(actor, claims.aux))) {
      const org = await this.regions.getOrganization(claims.aux);
      throw refuse(
        'WRONG_ORGANIZATION',
        { organizationId: claims.aux, organizationName: org?.name ?? null },
        'this voucher is redeemed at another organisation',
      );
    }
    return claims;
  }
}

export { assertNotOwnVoucher } from './capture.service';
