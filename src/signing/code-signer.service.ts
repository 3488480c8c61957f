import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  KeyObject,
  randomBytes,
  scryptSync,
  sign,
  verify,
} from 'node:crypto';
import { DataSource } from 'typeorm';
import { DomainError } from '../common/domain-error';
import { APP_CONFIG, AppConfig } from '../config/configuration';
import { isDuplicateKey } from '../database/transaction.service';
import { CodeClaims, encodeHeader, parseCode, toText } from './code-format';
import { SigningKeyStatus } from './entities/signing-key.entity';

interface KeyRow {
  kid: string;
  public_key: string;
  private_key_enc: string;
  status: SigningKeyStatus;
  created_at: Date;
  retired_at: Date | null;
  revoked_at: Date | null;
}

interface LoadedKey {
  kid: string;
  publicKey: KeyObject;
  publicKeyRaw: string;
  status: SigningKeyStatus;
  createdAt: Date;
  retiredAt: Date | null;
}

export interface PublicKeyView {
  kid: string;
  /** Raw Ed25519 public key, base64. */
  publicKey: string;
  algorithm: 'Ed25519';
  status: SigningKeyStatus;
  createdAt: Date;
  retiredAt: Date | null;
}

/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw 32 bytes follow. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/**
 * Signs and verifies the codes that are scanned (vouchers, resident passes) with Ed25519 keys that
 * rotate. The active key signs; retired keys still verify until their codes expire; revoked keys
 * verify nothing. Private keys are stored encrypted (AES-256-GCM, key derived from
 * KEY_ENCRYPTION_SECRET with scrypt) and a key is generated on first start if none exists.
 */
@Injectable()
export class CodeSigner implements OnApplicationBootstrap {
  private readonly log = new Logger('CodeSigner');
  private readonly keys = new Map<string, LoadedKey>();
  private active?: { kid: string; privateKey: KeyObject; loadedAt: number };
  private readonly encryptionKey: Buffer;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.encryptionKey = scryptSync(config.keyEncryptionSecret, 'jifen-signing-keys', 32);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.ensureActiveKey();
  }

  /** Creates the first key if there is no active one (safe when several processes start at once). */
  async ensureActiveKey(): Promise<string> {
    const rows: Array<{ kid: string }> = await this.db.query(
      'SELECT kid FROM signing_keys WHERE active_marker = 1',
    );
    if (rows[0]) return rows[0].kid;
    try {
      const kid = await this.insertKey();
      this.log.log(`generated signing key ${kid}`);
      return kid;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const again: Array<{ kid: string }> = await this.db.query(
        'SELECT kid FROM signing_keys WHERE active_marker = 1',
      );
      return again[0].kid;
    }
  }

  /** Signs claims with the active key. */
  async sign(c: Omit<CodeClaims, 'kid'>): Promise<{ code: string; kid: string }> {
    const active = await this.activeKey();
    const header = encodeHeader({ ...c, kid: active.kid });
    return { code: toText(header, sign(null, header, active.privateKey)), kid: active.kid };
  }

  /**
   * Checks the signature and key; returns the claims (expiry is the caller's to judge, since a
   * voucher and a pass answer it differently). Anything forged, altered, truncated, or signed with
   * an unknown or revoked key is INVALID_CODE.
   */
  async verify(code: unknown): Promise<CodeClaims> {
    const parsed = parseCode(code);
    if (!parsed) throw invalid('malformed');
    const key = await this.key(parsed.claims.kid);
    if (!key || key.status === 'revoked') throw invalid('unknown or revoked key');
    if (!verify(null, parsed.header, key.publicKey, parsed.signature)) throw invalid('bad signature');
    // Revocation takes effect at once in every process: the status is read fresh for each check.
    const rows: Array<{ status: SigningKeyStatus }> = await this.db.query(
      'SELECT status FROM signing_keys WHERE kid = ?',
      [key.kid],
    );
    if (rows[0]?.status !== 'active' && rows[0]?.status !== 'retired') throw invalid('revoked key');
    return parsed.claims;
  }

  /** Verification with the keys in memory only (no database): what an offline scanner does. */
  verifyOffline(code: unknown, keys: Array<{ kid: string; publicKey: string }>): CodeClaims | null {
    const parsed = parseCode(code);
    const k = parsed && keys.find((x) => x.kid === parsed.claims.kid);
    if (!parsed || !k) return null;
    return verify(null, parsed.header, rawToPublicKey(k.publicKey), parsed.signature) ? parsed.claims : null;
  }

  /** Public keys that still verify (active and retired). */
  async publicKeys(): Promise<PublicKeyView[]> {
    const rows: KeyRow[] = await this.db.query(
      `SELECT * FROM signing_keys WHERE status IN ('active', 'retired') ORDER BY created_at DESC`,
    );
    return rows.map((r) => ({
      kid: r.kid,
      publicKey: r.public_key,
      algorithm: 'Ed25519',
      status: r.status,
      createdAt: r.created_at,
      retiredAt: r.retired_at,
    }));
  }

  async listKeys(): Promise<PublicKeyView[]> {
    const rows: KeyRow[] = await this.db.query('SELECT * FROM signing_keys ORDER BY created_at DESC');
    return rows.map((r) => ({
      kid: r.kid,
      publicKey: r.public_key,
      algorithm: 'Ed25519',
      status: r.status,
      createdAt: r.created_at,
      retiredAt: r.retired_at,
    }));
  }

  /** New codes are signed with a new key; the old one is retired and keeps verifying. */
  async rotate(): Promise<PublicKeyView> {
    const kid = await this.db.transaction(async (em) => {
      await em.query(
        `UPDATE signing_keys SET status = 'retired', active_marker = NULL, retired_at = CURRENT_TIMESTAMP(3) WHERE active_marker = 1`,
      );
      return this.insertKey(em.query.bind(em));
    });
    this.active = undefined;
    this.keys.clear();
    this.log.log(`rotated: new signing key ${kid}`);
    return (await this.listKeys()).find((k) => k.kid === kid)!;
  }

  /** A retired key's codes stop verifying at once. The active key must be rotated out first. */
  async revoke(kid: string): Promise<PublicKeyView> {
    const rows: KeyRow[] = await this.db.query('SELECT * FROM signing_keys WHERE kid = ?', [kid]);
    if (!rows[0]) throw new DomainError('NOT_FOUND', { kid }, 'no such key');
    if (rows[0].status === 'active')
      throw new DomainError('INVALID_STATE', { kid }, 'rotate before revoking the active key');
    await this.db.query(
      `UPDATE signing_keys SET status = 'revoked', revoked_at = COALESCE(revoked_at, CURRENT_TIMESTAMP(3)) WHERE kid = ?`,
      [kid],
    );
    this.keys.delete(kid);
    return (await this.listKeys()).find((k) => k.kid === kid)!;
  }

  private async activeKey(): Promise<{ kid: string; privateKey: KeyObject }> {
    // Re-read every 10 s so that a rotation made by another process is picked up.
    if (this.active && Date.now() - this.active.loadedAt < 10_000) return this.active;
    let rows: KeyRow[] = await this.db.query('SELECT * FROM signing_keys WHERE active_marker = 1');
    if (!rows[0]) {
      await this.ensureActiveKey();
      rows = await this.db.query('SELECT * FROM signing_keys WHERE active_marker = 1');
    }
    this.active = {
      kid: rows[0].kid,
      privateKey: this.decryptPrivateKey(rows[0].private_key_enc),
      loadedAt: Date.now(),
    };
    return this.active;
  }

  private async key(kid: string): Promise<LoadedKey | undefined> {
    let k = this.keys.get(kid);
    if (!k) {
      const rows: KeyRow[] = await this.db.query('SELECT * FROM signing_keys WHERE kid = ?', [kid]);
      if (!rows[0]) return undefined;
      k = {
        kid,
        publicKey: rawToPublicKey(rows[0].public_key),
        publicKeyRaw: rows[0].public_key,
        status: rows[0].status,
        createdAt: rows[0].created_at,
        retiredAt: rows[0].retired_at,
      };
      this.keys.set(kid, k);
    }
    return k;
  }

  private async insertKey(
    query: (sql: string, params?: unknown[]) => Promise<unknown> = (s, p) => this.db.query(s, p),
  ): Promise<string> {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const kid = randomBytes(4).toString('hex');
    const raw = publicKey
      .export({ format: 'der', type: 'spki' })
      .subarray(ED25519_SPKI_PREFIX.length)
      .toString('base64');
    await query(
      `INSERT INTO signing_keys (kid, public_key, private_key_enc, status, active_marker, created_at) VALUES (?, ?, ?, 'active', 1, CURRENT_TIMESTAMP(3))`,
      [kid, raw, this.encryptPrivateKey(privateKey)],
    );
    return kid;
  }

  private encryptPrivateKey(key: KeyObject): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, iv);
    const der = key.export({ format: 'der', type: 'pkcs8' });
    const ct = Buffer.concat([cipher.update(der), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64');
  }

  private decryptPrivateKey(enc: string): KeyObject {
    const b = Buffer.from(enc, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.encryptionKey, b.subarray(0, 12));
    decipher.setAuthTag(b.subarray(12, 28));
    try {
      const der = Buffer.concat([decipher.update(b.subarray(28)), decipher.final()]);
      return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
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

const invalid = (why: string) => new DomainError('INVALID_CODE', { reason: why }, 'the code is not valid');
