import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CreatedAt, DateTime3 } from '../../database/columns';

export type SigningKeyStatus = 'active' | 'retired' | 'revoked';

/** Ed25519 keys for vouchers and passes; the private key is encrypted with KEY_ENCRYPTION_SECRET. */
@Entity('signing_keys')
@Index('uq_signing_keys_active', ['cityId', 'activeMarker'], { unique: true })
export class SigningKeyEntity {
  @PrimaryColumn({ type: 'char', length: 8 })
  kid: string;

  /** Raw 32-byte public key, base64. */
  @Column({ name: 'public_key', type: 'varchar', length: 64 })
  publicKey: string;

  /** AES-256-GCM of the PKCS#8 private key: base64(iv | tag | ciphertext). */
  @Column({ name: 'private_key_enc', type: 'text' })
  privateKeyEnc: string;

  @Column({ type: 'varchar', length: 10 })
  status: SigningKeyStatus;

  /** The city whose codes the key signs; '' for the platform's chain (codes of no city, older codes). */
  @Column({ name: 'city_id', type: 'char', length: 36, default: '' })
  cityId: string;

  /** 1 on the active key of its city, NULL otherwise (UNIQUE with city_id: one active key per city). */
  @Column({ name: 'active_marker', type: 'tinyint', nullable: true })
  activeMarker: number | null;

  @CreatedAt()
  createdAt: Date;

  @DateTime3('retired_at', { nullable: true })
  retiredAt: Date | null;

  @DateTime3('revoked_at', { nullable: true })
  revokedAt: Date | null;
}
