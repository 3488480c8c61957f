import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** The statements of `app_secrets`: secrets an installation generates for itself, sealed. */
@Injectable()
export class AppSecretsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The sealed value of a secret, or undefined; a missing table says to run the migrations. */
  async find(name: string): Promise<string | undefined> {
    const rows: Array<{ value_enc: string }> = await this.db
      .query('SELECT value_enc FROM app_secrets WHERE name = ?', [name])
      .catch((err: { code?: string }) => {
        if (err.code === 'ER_NO_SUCH_TABLE')
          throw new Error('the table app_secrets is missing: run the migrations first (npm run migrate)', {
            cause: err,
          });
        throw err;
      });
    return rows[0]?.value_enc;
  }

  /** Stores a secret unless one of that name exists (the first of several processes wins). */
  async insertIfMissing(name: string, sealed: string): Promise<void> {
    await this.db.query(
      'INSERT INTO app_secrets (name, value_enc, created_at) VALUES (?, ?, CURRENT_TIMESTAMP(3)) ON DUPLICATE KEY UPDATE name = name',
      [name, sealed],
    );
  }

  /** Replaces a secret whose value is still `previous`. */
  async replace(name: string, previous: string, sealed: string): Promise<void> {
    await this.db.query(
      'UPDATE app_secrets SET value_enc = ?, created_at = CURRENT_TIMESTAMP(3) WHERE name = ? AND value_enc = ?',
      [sealed, name, previous],
    );
  }
}
