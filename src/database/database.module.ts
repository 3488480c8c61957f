import { Global, Inject, MiddlewareConsumer, Module, NestModule, OnModuleInit } from '@nestjs/common';
import { InjectDataSource, TypeOrmModule } from '@nestjs/typeorm';
import type { NextFunction, Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { IdempotencyRepository } from '../common/idempotency.repository';
import { IdempotencyService } from '../common/idempotency.service';
import { IdempotencyKeyEntity } from '../common/idempotency.entity';
import { APP_CONFIG, AppConfig } from '../config/configuration';
import { buildDataSourceOptions, detectEngine } from './database-options';
import { boundPool, withQueryTimeout } from './database-pool';
import { TransactionService } from './transaction.service';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig) => ({
        ...buildDataSourceOptions(config.databaseUrl, await detectEngine(config.databaseUrl), {
          poolSize: config.dbPoolSize,
          connectTimeoutMs: config.dbConnectTimeoutMs,
        }),
        autoLoadEntities: true,
        retryAttempts: 3,
        retryDelay: 1000,
      }),
    }),
    TypeOrmModule.forFeature([IdempotencyKeyEntity]),
  ],
  providers: [TransactionService, IdempotencyService, IdempotencyRepository],
  exports: [TransactionService, IdempotencyService],
})
export class DatabaseModule implements OnModuleInit, NestModule {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Bounds waiting for a connection and for each statement (database-pool.ts). */
  onModuleInit(): void {
    boundPool(this.dataSource, {
      acquireTimeoutMs: this.config.dbAcquireTimeoutMs,
      hardQueryTimeoutMs: this.config.dbJobQueryTimeoutMs,
    });
  }

  /** An HTTP request's statements fail after DB_QUERY_TIMEOUT_MS when the server answers nothing. */
  configure(consumer: MiddlewareConsumer): void {
    const ms = this.config.dbQueryTimeoutMs;
    consumer
      .apply((_req: Request, _res: Response, next: NextFunction) => withQueryTimeout(ms, next))
      .forRoutes('{*path}');
  }
}
