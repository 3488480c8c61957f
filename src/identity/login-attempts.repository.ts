import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** A counter after one more attempt: the attempts in its window and the seconds the window has left. */
export interface AttemptCount {
  failures: number;
  retryAfter: number;
}

interface CounterRow {
  failures: number | string;
  retry_after: number | string;
}

/** The window's seconds left, for the counter tables (`login_failures`, `login_address_failures`, `login_devices`). */
const RETRY_AFTER =
  'GREATEST(1, ? - TIMESTAMPDIFF(SECOND, window_started_at, CURRENT_TIMESTAMP(3))) AS retry_after';

const toCount = (r: CounterRow | undefined): AttemptCount | undefined =>
  r && { failures: Number(r.failures), retryAfter: Number(r.retry_after) };

/**
 * The statements of the login counters and remembered devices: failed logins per username
 * (`login_failures`), per client address (`login_address_failures`) and per known device
 * (`login_devices`, which also remembers a device for a user).
 */
@Injectable()
export class LoginAttemptsRepository {
  /**
   * One more attempt in a counter row (`table` keyed by `column`), restarting the window when it
   * has passed; returns the count including this attempt. The upsert holds the row lock until the
   * commit, so the read that follows sees this attempt's own count.
   */
  async bump(
    tx: EntityManager,
    counter: {
      table: 'login_failures' | 'login_address_failures';
      column: 'username' | 'address';
      key: string;
    },
    windowSeconds: number,
  ): Promise<AttemptCount> {
    const { table, column, key } = counter;
    const w = windowSeconds;
    await tx.query(
      `INSERT INTO ${table} (${column}, failures, window_started_at) VALUES (?, 1, CURRENT_TIMESTAMP(3))
       ON DUPLICATE KEY UPDATE
         failures = IF(window_started_at < DATE_SUB(CURRENT_TIMESTAMP(3), INTERVAL ? SECOND), 1, failures + 1),
         window_started_at = IF(window_started_at < DATE_SUB(CURRENT_TIMESTAMP(3), INTERVAL ? SECOND), CURRENT_TIMESTAMP(3), window_started_at)`,
      [key, w, w],
    );
    const rows: CounterRow[] = await tx.query(
      `SELECT failures, ${RETRY_AFTER} FROM ${table} WHERE ${column} = ?`,
      [w, key],
    );
    return toCount(rows[0])!;
  }

  /** One more attempt on a known device's own count; the count, or undefined without the device. */
  async bumpDevice(
    tx: EntityManager,
    deviceId: string,
    windowSeconds: number,
  ): Promise<AttemptCount | undefined> {
    const w = windowSeconds;
    await tx.query(
      `UPDATE login_devices SET
         failures = IF(window_started_at IS NULL OR window_started_at < DATE_SUB(CURRENT_TIMESTAMP(3), INTERVAL ? SECOND), 1, failures + 1),
         window_started_at = IF(window_started_at IS NULL OR window_started_at < DATE_SUB(CURRENT_TIMESTAMP(3), INTERVAL ? SECOND), CURRENT_TIMESTAMP(3), window_started_at)
       WHERE id = ?`,
      [w, w, deviceId],
    );
    const rows: CounterRow[] = await tx.query(
      `SELECT failures, ${RETRY_AFTER} FROM login_devices WHERE id = ?`,
      [w, deviceId],
    );
    return toCount(rows[0]);
  }

  /** After a right password: the username's count starts again, the address gets its attempt back. */
  async succeeded(tx: EntityManager, username: string, address: string): Promise<void> {
    await this.clearFailures(tx, username);
    // The address limit counts failures only: a right password gives its attempt back.
    await tx.query(
      'UPDATE login_address_failures SET failures = GREATEST(failures - 1, 0) WHERE address = ?',
      [address],
    );
  }

  /** Forgets the username's failed logins. */
  async clearFailures(tx: EntityManager, username: string): Promise<void> {
    await tx.query('DELETE FROM login_failures WHERE username = ?', [username.slice(0, 64)]);
  }

  /** After a right password from a known device: its count starts again. */
  async deviceLoggedIn(tx: EntityManager, deviceId: string): Promise<void> {
    await tx.query(
      'UPDATE login_devices SET failures = 0, window_started_at = NULL, last_login_at = CURRENT_TIMESTAMP(3) WHERE id = ?',
      [deviceId],
    );
  }

  /** The id of the user's device with this token hash, used within `days`, or undefined. */
  async recentDevice(
    tx: EntityManager,
    userId: string,
    tokenHash: string,
    days: number,
  ): Promise<string | undefined> {
    const rows: Array<{ id: string }> = await tx.query(
      `SELECT id FROM login_devices
        WHERE token_hash = ? AND user_id = ? AND last_login_at > DATE_SUB(CURRENT_TIMESTAMP(3), INTERVAL ? DAY)`,
      [tokenHash, userId, days],
    );
    return rows[0]?.id;
  }

  /** Remembers a device for a user, and forgets their devices unused for `days` or beyond the newest `keep`. */
  async rememberDevice(
    tx: EntityManager,
    device: { id: string; userId: string; tokenHash: string },
    prune: { days: number; keep: number },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO login_devices (id, user_id, token_hash, failures, window_started_at, created_at, last_login_at)
       VALUES (?, ?, ?, 0, NULL, CURRENT_TIMESTAMP(3), CURRENT_TIMESTAMP(3))`,
      [device.id, device.userId, device.tokenHash],
    );
    const stale: Array<{ id: string }> = await tx.query(
      `SELECT id FROM login_devices WHERE user_id = ?
        ORDER BY last_login_at DESC, id DESC LIMIT 1000 OFFSET ${Number(prune.keep)}`,
      [device.userId],
    );
    await tx.query(
      `DELETE FROM login_devices WHERE user_id = ?
         AND (last_login_at < DATE_SUB(CURRENT_TIMESTAMP(3), INTERVAL ? DAY)${stale.length ? ' OR id IN (?)' : ''})`,
      [device.userId, prune.days, ...(stale.length ? [stale.map((s) => s.id)] : [])],
    );
  }

  /** Forgets every remembered device of a user. */
  async forgetDevices(tx: EntityManager, userId: string): Promise<void> {
    await tx.query('DELETE FROM login_devices WHERE user_id = ?', [userId]);
  }
}
