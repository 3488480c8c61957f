import { Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_CONFIG, loadConfig } from './configuration';

/**
 * Reads and validates the environment once (through @nestjs/config) and provides the typed
 * `AppConfig` under the APP_CONFIG token. A bad value stops start-up with a message naming it.
 */
@Global()
@Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      ignoreEnvFile: true,
      validate: (env) => ({ ...env, __app: loadConfig(env) }),
    }),
  ],
  providers: [{ provide: APP_CONFIG, useFactory: () => loadConfig(process.env) }],
  exports: [APP_CONFIG],
})
export class AppConfigModule {}
