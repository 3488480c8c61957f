import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { SigningKeyStatus } from './entities/signing-key.entity';

/** A row of `signing_keys` as it is read. */
export interface SigningKeyRow {
  kid: string;
  city_id: string;
  public_key: string;
  private_key_enc: string;
  status: SigningKeyStatus;
  created_at: Date;
  retired_at: Date | null;
  revoked_at: Date | null;
}

/** The new active key of a city. */
export interface NewSigningKey {
  kid: string;
  cityId: string;
  publicKey: string;
  privateKeyEnc: string;
}

/** The one column list of `signing_keys`. */
const KEY_COLUMNS = 'kid, city_id, public_key, private_key_enc, status, created_at, retired_at, revoked_at';
const ORDER = 'ORDER BY created_at DESC, kid';

/** The statements on `signing_keys`. Reads use the pool; writes take the unit of work first. */
@Injectable()
export class SigningKeysRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  byKid(kid: string): Promise<SigningKeyRow | undefined> {
    return this.find(this.db.manager, kid);
  }

  /** The key, read inside a unit of work. */
  async find(tx: EntityManager, kid: string): Promise<SigningKeyRow | undefined> {
    const rows: SigningKeyRow[] = await tx.query(`SELECT ${KEY_COLUMNS} FROM signing_keys WHERE kid = ?`, [kid]);
    return rows[0];
  }

  async activeOf(cityId: string): Promise<SigningKeyRow | undefined> {
    const rows: SigningKeyRow[] = await this.db.query(
      `SELECT ${KEY_COLUMNS} FROM signing_keys WHERE city_id = ? AND active_marker = 1`,
      [cityId],
    );
    return rows[0];
  }

  /** Keys that still verify (active and retired) of a city and of the platform chain. */
  verifying(cityId: string): Promise<SigningKeyRow[]> {
    return this.db.query(
      `SELECT ${KEY_COLUMNS} FROM signing_keys WHERE status IN ('active', 'retired') AND city_id IN (?, '') ${ORDER}`,
      [cityId],
    );
  }

  /** Every key of a city and of the platform chain, or of all cities (`null`). */
  list(cityId: string | null): Promise<SigningKeyRow[]> {
    return cityId === null
      ? this.db.query(`SELECT ${KEY_COLUMNS} FROM signing_keys ${ORDER}`)
      : this.db.query(`SELECT ${KEY_COLUMNS} FROM signing_keys WHERE city_id IN (?, '') ${ORDER}`, [cityId]);
  }

  /** The city's new active key (the unique (city, active marker) refuses a second one). */
  async insertActive(tx: EntityManager, k: NewSigningKey): Promise<void> {
    await tx.query(
      `INSERT INTO signing_keys (${KEY_COLUMNS}, active_marker)
       VALUES (?, ?, ?, ?, 'active', CURRENT_TIMESTAMP(3), NULL, NULL, 1)`,
      [k.kid, k.cityId, k.publicKey, k.privateKeyEnc],
    );
  }

  async retireActive(tx: EntityManager, cityId: string): Promise<void> {
    await tx.query(
      `UPDATE signing_keys SET status = 'retired', active_marker = NULL, retired_at = CURRENT_TIMESTAMP(3)
        WHERE city_id = ? AND active_marker = 1`,
      [cityId],
    );
  }

  async revoke(tx: EntityManager, kid: string): Promise<void> {
    await tx.query(
      `UPDATE signing_keys SET status = 'revoked', revoked_at = COALESCE(revoked_at, CURRENT_TIMESTAMP(3)) WHERE kid = ?`,
      [kid],
    );
  }
}
