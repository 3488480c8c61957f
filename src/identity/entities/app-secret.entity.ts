import { Column, Entity, PrimaryColumn } from 'typeorm';
import { CreatedAt } from '../../database/columns';

/**
 * Secrets the application generates for itself and shares between its processes through the
 * database (the development JWT secret), encrypted like the signing keys (AES-256-GCM under a key
 * derived from KEY_ENCRYPTION_SECRET).
 */
@Entity('app_secrets')
export class AppSecretEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  name: string;

  /** base64(iv | tag | ciphertext). */
  @Column({ name: 'value_enc', type: 'text' })
  valueEnc: string;

  @CreatedAt()
  createdAt: Date;
}
