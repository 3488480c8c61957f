import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { SigningKeyStatus } from './entities/signing-key.entity';

/** A row of `signing_keys`. */
export interface KeyRow {
  kid: string;
  city_id: string;
  public_key: string;
  private_key_enc: string;
  status: SigningKeyStatus;
  created_at: Date;
  retired_at: Date | null;
  revoked_at: Date | null;
}

export interface NewKeyRow {
  kid: string;
  cityId: string;
  publicKey: string;
  privateKeyEnc: string;
}

/** The one column list of `signing_keys`. */
const KEY_COLUMNS = 'kid, city_id, public_key, private_key_enc, status, created_at, retired_at, revoked_at';
const NEWEST_FIRST = 'ORDER BY created_at DESC, kid';

/**
 * The statements of `signing_keys`. Each takes the manager it runs on first: a transaction's, or
 * the pool's (`dataSource.manager`) for the reads that verification makes outside one.
 */
@Injectable()
export class SigningKeysRepository {
  async byKid(tx: EntityManager, kid: string): Promise<KeyRow | undefined> {
    const rows: KeyRow[] = await tx.query(`SELECT ${KEY_COLUMNS} FROM signing_keys WHERE kid = ?`, [kid]);
    return rows[0];
  }

  /** The active key of a city (at most one: `uq_signing_keys_active`). */
  async activeOf(tx: EntityManager, cityId: string): Promise<KeyRow | undefined> {
    const rows: KeyRow[] = await tx.query(
      `SELECT ${KEY_COLUMNS} FROM signing_keys WHERE city_id = ? AND active_marker = 1`,
      [cityId],
    );
    return rows[0];
  }

  /** The status as it is now (revocation takes effect at once in every process). */
  async statusOf(tx: EntityManager, kid: string): Promise<SigningKeyStatus | undefined> {
    const rows: Array<{ status: SigningKeyStatus }> = await tx.query(
      'SELECT status FROM signing_keys WHERE kid = ?',
      [kid],
    );
    return rows[0]?.status;
  }

  /** Keys that still verify (active and retired) of a city and of the platform chain (''). */
  verifying(tx: EntityManager, cityId: string): Promise<KeyRow[]> {
    return tx.query(
      `SELECT ${KEY_COLUMNS} FROM signing_keys WHERE status IN ('active', 'retired') AND city_id IN (?, '') ${NEWEST_FIRST}`,
      [cityId],
    );
  }

  /** Every key of a city and the platform chain, or of all cities (`null`). */
  list(tx: EntityManager, cityId: string | null): Promise<KeyRow[]> {
    return cityId === null
      ? tx.query(`SELECT ${KEY_COLUMNS} FROM signing_keys ${NEWEST_FIRST}`)
      : tx.query(`SELECT ${KEY_COLUMNS} FROM signing_keys WHERE city_id IN (?, '') ${NEWEST_FIRST}`, [
          cityId,
        ]);
  }

  /** A new active key; a duplicate-key error if the city already has one (or the kid is taken). */
  async insertActive(tx: EntityManager, k: NewKeyRow): Promise<void> {
    await tx.query(
      `INSERT INTO signing_keys (kid, city_id, public_key, private_key_enc, status, active_marker, created_at)
       VALUES (?, ?, ?, ?, 'active', 1, CURRENT_TIMESTAMP(3))`,
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
