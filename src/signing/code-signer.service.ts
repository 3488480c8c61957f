import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  KeyObject,
  randomBytes,
  sign,
  verify,
} from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { invalidState, notFound, refuse } from '../common/errors';
import { SecretBox } from '../common/secret-box';
import { APP_CONFIG, AppConfig } from '../config/configuration';
import { isDuplicateKey, TransactionService } from '../database/transaction.service';
import { ResidentDirectory } from '../identity/resident-directory.queries';
import { RegionsService } from '../regions/regions.service';
import { CodeClaims, encodeHeader, parseCode, toText } from './code-format';
import { SigningKeyStatus } from './entities/signing-key.entity';
import { KeyRow, SigningKeysRepository } from './signing-keys.repository';

interface LoadedKey {
  kid: string;
  cityId: string;
  publicKey: KeyObject;
  status: SigningKeyStatus;
}

export interface PublicKeyView {
  kid: string;
  /** The city whose codes the key signs; null for the platform's chain (codes from before per-city keys). */
  cityId: string | null;
  /** Raw Ed25519 public key, base64. */
  publicKey: string;
  algorithm: 'Ed25519';
  status: SigningKeyStatus;
  createdAt: Date;
  retiredAt: Date | null;
}

/** The platform's chain: it signed every code before keys were per city, and codes of no city. */
export const PLATFORM_CHAIN = '';

/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw 32 bytes follow. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Cached city lookups at most (organisations and residents never change city). */
const MAX_CACHED_CITIES = 100_000;

/** The city id of a region path `/cityId/.../`. */
export const cityIdOfPath = (path: string | null | undefined): string =>
  path?.split('/').find(Boolean) ?? PLATFORM_CHAIN;

const toView = (r: KeyRow): PublicKeyView => ({
  kid: r.kid,
  cityId: r.city_id || null,
  publicKey: r.public_key,
  algorithm: 'Ed25519',
  status: r.status,
  createdAt: r.created_at,
  retiredAt: r.retired_at,
});

/**
 * Signs and verifies the codes that are scanned (vouchers, resident passes) with Ed25519 keys that
 * rotate, **one chain per city**: a voucher is signed with the key of its provider's city, a pass
 * with the key of its resident's city, and a code only verifies with a key of its own city (or of
 * the platform's chain, which signed everything before keys were per city). So a city administrator
 * rotates and revokes their own city's keys without touching any other city's codes, and a leaked
 * key of one city forges nothing elsewhere. The active key of a city signs; retired keys still
 * verify until their codes expire; revoked keys verify nothing. A city's first key is made when it
 * is first needed. Private keys are stored encrypted (AES-256-GCM, key derived from
 * KEY_ENCRYPTION_SECRET with scrypt).
 */
@Injectable()
export class CodeSigner {
  private readonly log = new Logger('CodeSigner');
  private readonly keys = new Map<string, LoadedKey>();
  private readonly active = new Map<string, { kid: string; privateKey: KeyObject; loadedAt: number }>();
  private readonly cities = new Map<string, string>();
  private readonly box: SecretBox;

  /** The pool's manager, for the reads made outside a unit of work. */
  private readonly pool: EntityManager;

  constructor(
    @InjectDataSource() db: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly txs: TransactionService,
    private readonly repo: SigningKeysRepository,
    private readonly regions: RegionsService,
    private readonly residents: ResidentDirectory,
  ) {
    this.pool = db.manager;
    this.box = new SecretBox(config.keyEncryptionSecret, 'jifen-signing-keys');
  }

  /** Creates the city's first key if it has no active one (safe when several processes race). */
  async ensureActiveKey(cityId: string = PLATFORM_CHAIN): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      const existing = await this.repo.activeOf(this.pool, cityId);
      if (existing) return existing.kid;
      try {
        const kid = await this.insertKey(this.pool, cityId);
        this.log.log(`generated signing key ${kid}${cityId ? ` for city ${cityId}` : ''}`);
        return kid;
      } catch (err) {
        // Another process made the city's key first (or, once in four billion, the kid was taken).
        if (!isDuplicateKey(err) || attempt >= 2) throw err;
      }
    }
  }

  /** Signs claims with the active key of the code's city. */
  async sign(c: Omit<CodeClaims, 'kid'>): Promise<{ code: string; kid: string }> {
    const active = await this.activeKey(await this.cityOf(c));
    const header = encodeHeader({ ...c, kid: active.kid });
    return { code: toText(header, sign(null, header, active.privateKey)), kid: active.kid };
  }

  /**
   * Checks the signature and key; returns the claims (expiry is the caller's to judge, since a
   * voucher and a pass answer it differently). Anything forged, altered, truncated, signed with an
   * unknown or revoked key, or with another city's key is INVALID_CODE.
   */
  async verify(code: unknown): Promise<CodeClaims> {
    const parsed = parseCode(code);
    if (!parsed) throw invalid('malformed');
    const key = await this.key(parsed.claims.kid);
    if (!key || key.status === 'revoked') throw invalid('unknown or revoked key');
    if (!verify(null, parsed.header, key.publicKey, parsed.signature)) throw invalid('bad signature');
    if (key.cityId !== PLATFORM_CHAIN && key.cityId !== (await this.cityOf(parsed.claims)))
      throw invalid('signed with the key of another city');
    // Revocation takes effect at once in every process: the status is read fresh for each check.
    const status = await this.repo.statusOf(this.pool, key.kid);
    if (status !== 'active' && status !== 'retired') throw invalid('revoked key');
    return parsed.claims;
  }

  /** Verification with the keys in memory only (no database): what an offline scanner does. */
  verifyOffline(code: unknown, keys: Array<{ kid: string; publicKey: string }>): CodeClaims | null {
    const parsed = parseCode(code);
    const k = parsed && keys.find((x) => x.kid === parsed.claims.kid);
    if (!parsed || !k) return null;
    return verify(null, parsed.header, rawToPublicKey(k.publicKey), parsed.signature) ? parsed.claims : null;
  }

  /**
   * Public keys that still verify (active and retired) for a city's codes: the city's own and the
   * platform chain's. The city's first key is made here if it has none yet, so that a scanner that
   * takes its keys before the city's first code is signed can still check that code offline.
   */
  async publicKeys(cityId: string): Promise<PublicKeyView[]> {
    if (cityId !== PLATFORM_CHAIN) await this.ensureActiveKey(cityId);
    return (await this.repo.verifying(this.pool, cityId)).map(toView);
  }

  /** Every key (any status), of one city and the platform chain, or of all cities (`null`). */
  async listKeys(cityId: string | null): Promise<PublicKeyView[]> {
    return (await this.repo.list(this.pool, cityId)).map(toView);
  }

  /** The city's new codes are signed with a new key; its old one is retired and keeps verifying. */
  async rotate(cityId: string): Promise<PublicKeyView> {
    const row = await this.txs.run(async (tx) => {
      await this.repo.retireActive(tx, cityId);
      const kid = await this.insertKey(tx, cityId);
      return (await this.repo.byKid(tx, kid))!;
    });
    this.active.delete(cityId);
    this.log.log(
      `rotated${cityId ? ` the keys of city ${cityId}` : ' the platform chain'}: new signing key ${row.kid}`,
    );
    return toView(row);
  }

  /**
   * A retired key's codes stop verifying at once. The active key must be rotated out first. With a
   * city, only that city's keys may be revoked (another city's key is not found); null: any key.
   */
  async revoke(kid: string, cityId: string | null): Promise<PublicKeyView> {
    const row = await this.txs.run(async (tx) => {
      const found = await this.repo.byKid(tx, kid);
      if (!found || (cityId !== null && found.city_id !== cityId)) throw notFound('key', kid);
      if (found.status === 'active') throw invalidState('rotate before revoking the active key', { kid });
      await this.repo.revoke(tx, kid);
      return (await this.repo.byKid(tx, kid))!;
    });
    this.keys.delete(kid);
    return toView(row);
  }

  /**
   * The city a code belongs to: a voucher's provider organisation's city, a pass's resident's city;
   * the platform chain for a code that names neither.
   */
  private async cityOf(c: Pick<CodeClaims, 'type' | 'subject' | 'aux'>): Promise<string> {
    const byOrg = c.type === 'voucher' && c.aux;
    const cacheKey = byOrg ? `o:${c.aux}` : `u:${c.subject}`;
    const hit = this.cities.get(cacheKey);
    if (hit !== undefined) return hit;
    const path = byOrg
      ? await this.regions.organizationPath(this.pool, c.aux!)
      : await this.residents.regionPathOf(this.pool, c.subject, (col) => this.regions.regionPathSql(col));
    const city = cityIdOfPath(path);
    if (path) {
      if (this.cities.size >= MAX_CACHED_CITIES) this.cities.clear();
      this.cities.set(cacheKey, city);
    }
    return city;
  }

  private async activeKey(cityId: string): Promise<{ kid: string; privateKey: KeyObject }> {
    // Re-read every 10 s so that a rotation made by another process is picked up.
    const cached = this.active.get(cityId);
    if (cached && Date.now() - cached.loadedAt < 10_000) return cached;
    let row = await this.repo.activeOf(this.pool, cityId);
    if (!row) {
      await this.ensureActiveKey(cityId);
      row = (await this.repo.activeOf(this.pool, cityId))!;
    }
    const loaded = {
      kid: row.kid,
      privateKey: this.decryptPrivateKey(row.private_key_enc),
      loadedAt: Date.now(),
    };
    this.active.set(cityId, loaded);
    return loaded;
  }

  private async key(kid: string): Promise<LoadedKey | undefined> {
    let k = this.keys.get(kid);
    if (!k) {
      const row = await this.repo.byKid(this.pool, kid);
      if (!row) return undefined;
      k = { kid, cityId: row.city_id, publicKey: rawToPublicKey(row.public_key), status: row.status };
      this.keys.set(kid, k);
    }
    return k;
  }

  private async insertKey(tx: EntityManager, cityId: string): Promise<string> {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const kid = randomBytes(4).toString('hex');
    const raw = publicKey
      .export({ format: 'der', type: 'spki' })
      .subarray(ED25519_SPKI_PREFIX.length)
      .toString('base64');
    await this.repo.insertActive(tx, {
      kid,
      cityId,
      publicKey: raw,
      privateKeyEnc: this.box.seal(privateKey.export({ format: 'der', type: 'pkcs8' })),
    });
    return kid;
  }

  private decryptPrivateKey(enc: string): KeyObject {
    try {
      return createPrivateKey({ key: this.box.open(enc), format: 'der', type: 'pkcs8' });
    } catch (err) {
      throw new Error(
        'cannot decrypt the signing key: is KEY_ENCRYPTION_SECRET the one it was stored with?',
        { cause: err },
      );
    }
  }
}

export function rawToPublicKey(raw: string): KeyObject {
  return createPublicKey({
    key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(raw, 'base64')]),
    format: 'der',
    type: 'spki',
  });
}

const invalid = (why: string) => refuse('INVALID_CODE', { reason: why }, 'the code is not valid');
