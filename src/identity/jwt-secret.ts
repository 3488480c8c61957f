import { Logger, Module } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { SecretBox } from '../common/secret-box';
import { APP_CONFIG, AppConfig } from '../config/configuration';
import { AppSecretsRepository } from './app-secrets.repository';

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
export async function resolveJwtSecret(config: AppConfig, secrets: AppSecretsRepository): Promise<string> {
  if (config.jwtSecret) return config.jwtSecret;
  const box = new SecretBox(config.keyEncryptionSecret, 'jifen-app-secrets');
  const fresh = () => box.seal(randomBytes(48));
  let sealed = await secrets.find(NAME);
  if (!sealed) {
    // Several processes may start at once: the first insert wins and everyone reads it back.
    await secrets.insertIfMissing(NAME, fresh());
    sealed = (await secrets.find(NAME))!;
    log.log('using the JWT secret generated for this database (JWT_SECRET is not set)');
  }
  try {
    return box.open(sealed).toString('base64');
  } catch {
    // KEY_ENCRYPTION_SECRET changed: the old secret is lost, so are the sessions signed with it.
    log.warn(
      'cannot decrypt the generated JWT secret (KEY_ENCRYPTION_SECRET changed?): generating a new one',
    );
    await secrets.replace(NAME, sealed, fresh());
    return box.open((await secrets.find(NAME))!).toString('base64');
  }
}

@Module({
  providers: [
    AppSecretsRepository,
    {
      provide: JWT_SECRET,
      inject: [APP_CONFIG, AppSecretsRepository],
      useFactory: resolveJwtSecret,
    },
  ],
  exports: [JWT_SECRET],
})
export class JwtSecretModule {}
