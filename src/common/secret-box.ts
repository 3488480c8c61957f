import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';

/**
 * Encrypts secrets kept in the database (signing keys, generated secrets): AES-256-GCM under a key
 * derived with scrypt from KEY_ENCRYPTION_SECRET and a per-purpose salt. The stored form is
 * base64(iv | tag | ciphertext).
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(secret: string, salt: string) {
    this.key = scryptSync(secret, salt, 32);
  }

  seal(plain: Buffer): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ct = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64');
  }

  /** The plain bytes; throws when the secret is not the one the value was sealed with. */
  open(sealed: string): Buffer {
    const b = Buffer.from(sealed, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, b.subarray(0, 12));
    decipher.setAuthTag(b.subarray(12, 28));
    return Buffer.concat([decipher.update(b.subarray(28)), decipher.final()]);
  }
}
