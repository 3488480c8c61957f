import { Inject, Injectable } from '@nestjs/common';
import QRCode from 'qrcode';
import { Actor } from '../common/actor';
import { refuse } from '../common/errors';
import { APP_CONFIG, AppConfig } from '../config/configuration';
import { CREDIT_LEVELS, creditRank, type CreditLevel } from '../earning/credit-levels';
import { CreditService } from '../earning/credit.service';
import { RegionsService } from '../regions/regions.service';
import { cityIdOfPath, CodeSigner } from '../signing/code-signer.service';
import { PassView } from './dto/entitlements.dto';
import { passExpiry } from './entitlement-rules';

/** QR codes at medium error correction, as a counter's scanner reads them. */
const QR_OPTIONS = { errorCorrectionLevel: 'M' as const, margin: 2 };

export interface PassClaims {
  residentId: string;
  /** The level when the pass was issued (informative: counters re-check the live level). */
  creditLevel: CreditLevel;
  expiresAt: Date;
}

const levelOfRank = (rank: number): CreditLevel | undefined =>
  CREDIT_LEVELS.find((l) => creditRank(l) === rank);

/**
 * Resident passes: short-lived signed codes (type `pass`, subject = resident, extra = credit level
 * rank) with the same Ed25519 keys and rotation as vouchers, so a screenshot soon stops working and a
 * device holding the public keys can check one offline. Nothing is stored: a pass is its signature.
 */
@Injectable()
export class PassesService {
  constructor(
    private readonly signer: CodeSigner,
    private readonly credit: CreditService,
    private readonly regions: RegionsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async issue(actor: Actor): Promise<PassView> {
    const { level } = await this.credit.levelOf(actor.id);
    const expiresAt = passExpiry(new Date(), this.config.passTtlSeconds);
    const { code } = await this.signer.sign({
      type: 'pass',
      subject: actor.id,
      aux: null,
      expiresAt,
      extra: creditRank(level),
    });
    return { code, expiresAt, creditLevel: level };
  }

  async png(actor: Actor): Promise<Buffer> {
    const pass = await this.issue(actor);
    return QRCode.toBuffer(pass.code, { ...QR_OPTIONS, type: 'png', scale: 6 });
  }

  /**
   * Reads a pass shown at a counter: 400 INVALID_CODE when forged, altered, malformed, signed with an
   * unknown or revoked key, or not a pass (a voucher); 410 PASS_EXPIRED when its time is up.
   */
  async read(code: string): Promise<PassClaims> {
    const claims = await this.signer.verify(code);
    const creditLevel = levelOfRank(claims.extra);
    if (claims.type !== 'pass' || !creditLevel) {
      throw refuse(
        'INVALID_CODE',
        { reason: 'not a resident pass' },
        'the code is not a resident pass',
      );
    }
    if (claims.expiresAt.getTime() <= Date.now()) {
      throw refuse(
        'PASS_EXPIRED',
        { expiredAt: claims.expiresAt },
        'the pass has expired; ask the resident to show a fresh one',
      );
    }
    return { residentId: claims.subject, creditLevel, expiresAt: claims.expiresAt };
  }

  /**
   * The public keys a counter's device needs to check passes offline: those of the city of the
   * counter's organisation (entitlements are recognised within a city).
   */
  async publicKeys(actor: Actor) {
    const org = await this.regions.getOrganization(actor.organizationId);
    const region = org ? await this.regions.get(org.regionId) : null;
    const keys = await this.signer.publicKeys(cityIdOfPath(region?.path ?? actor.regionPath));
    return {
      keys: keys.map((k) => ({
        kid: k.kid,
        publicKey: k.publicKey,
        algorithm: k.algorithm,
        status: k.status,
      })),
      passTtlSeconds: this.config.passTtlSeconds,
    };
  }
}
