import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdempotencyService } from '../common/idempotency.service';
import { IdempotencyKeyEntity } from '../common/idempotency.entity';
import { APP_CONFIG, AppConfig } from '../config/configuration';
import { buildDataSourceOptions, detectEngine } from './database-options';
import { TransactionService } from './transaction.service';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig) => ({
        ...buildDataSourceOptions(config.databaseUrl, await detectEngine(config.databaseUrl), {
          poolSize: config.dbPoolSize,
        }),
        autoLoadEntities: true,
        retryAttempts: 3,
        retryDelay: 1000,
      }),
    }),
    TypeOrmModule.forFeature([IdempotencyKeyEntity]),
  ],
  providers: [TransactionService, IdempotencyService],
  exports: [TransactionService, IdempotencyService],
})
export class DatabaseModule {}
