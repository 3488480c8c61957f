import { Logger, Module } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { SecretBox } from '../common/secret-box';
import { APP_CONFIG, AppConfig } from '../config/configuration';

/** The HS256 secret of access tokens, as resolved at start-up (inject with @Inject(JWT_SECRET)). */
export const JWT_SECRET = Symbol('JWT_SECRET');

const NAME = 'jwt_secret';
const log = new Logger('JwtSecret');

/**
 * JWT_SECRET when it is set (always in production). Otherwise (a laptop, the demo) a random secret
 * generated on the first start and kept in `app_secrets`, encrypted under KEY_ENCRYPTION_SECRET like
 * the signing keys: every process on the database uses the same one, a restart keeps sessions, and
 * nobody who reads the repository can sign a token that this installation accepts.
 */
export async function resolveJwtSecret(config: AppConfig, db: DataSource): Promise<string> {
  if (config.jwtSecret) return config.jwtSecret;
  const box = new SecretBox(config.keyEncryptionSecret, 'jifen-app-secrets');
  const read = async (): Promise<string | undefined> => {
    const rows: Array<{ value_enc: string }> = await db
      .query('SELECT value_enc FROM app_secrets WHERE name = ?', [NAME])
      .catch((err: { code?: string }) => {
        if (err.code === 'ER_NO_SUCH_TABLE')
          throw new Error('the table app_secrets is missing: run the migrations first (npm run migrate)', {
            cause: err,
          });
        throw err;
      });
    return rows[0]?.value_enc;
  };
  const fresh = () => box.seal(randomBytes(48));
  let sealed = await read();
  if (!sealed) {
    // Several processes may start at once: the first insert wins and everyone reads it back.
    await db.query(
      'INSERT INTO app_secrets (name, value_enc, created_at) VALUES (?, ?, CURRENT_TIMESTAMP(3)) ON DUPLICATE KEY UPDATE name = name',
      [NAME, fresh()],
    );
    sealed = (await read())!;
    log.log('using the JWT secret generated for this database (JWT_SECRET is not set)');
  }
  try {
    return box.open(sealed).toString('base64');
  } catch {
    // KEY_ENCRYPTION_SECRET changed: the old secret is lost, so are the sessions signed with it.
    log.warn(
      'cannot decrypt the generated JWT secret (KEY_ENCRYPTION_SECRET changed?): generating a new one',
    );
    await db.query(
      'UPDATE app_secrets SET value_enc = ?, created_at = CURRENT_TIMESTAMP(3) WHERE name = ? AND value_enc = ?',
      [fresh(), NAME, sealed],
    );
    return box.open((await read())!).toString('base64');
  }
}

@Module({
  providers: [
    {
      provide: JWT_SECRET,
      inject: [APP_CONFIG, getDataSourceToken()],
      useFactory: resolveJwtSecret,
    },
  ],
  exports: [JWT_SECRET],
})
export class JwtSecretModule {}
