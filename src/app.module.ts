import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { LoggerModule } from './common/logger';
import { requestIdFor } from './common/request-id';
import { CatalogModule } from './catalog/catalog.module';
import { AppConfigModule } from './config/config.module';
import { APP_CONFIG, AppConfig } from './config/configuration';
import { DatabaseModule } from './database/database.module';
import { EarningModule } from './earning/earning.module';
import { EntitlementsModule } from './entitlements/entitlements.module';
import { FundingModule } from './funding/funding.module';
import { NoticesModule } from './notices/notices.module';
import { AppealsModule } from './appeals/appeals.module';
import { HealthModule } from './health/health.module';
import { JwtAuthGuard, RolesGuard, UserThrottlerGuard } from './identity/guards';
import { IdentityModule } from './identity/identity.module';
import { JobsModule } from './jobs/jobs.module';
import { LedgerModule } from './ledger/ledger.module';
import { NotificationsModule } from './notifications/notifications.module';
import { OrdersModule } from './orders/orders.module';
import { RedemptionModule } from './redemption/redemption.module';
import { SettlementModule } from './settlement/settlement.module';
import { SigningModule } from './signing/signing.module';
import { QueuesBoardModule } from './jobs/queues-board.module';
import { RegionsModule } from './regions/regions.module';
import { MutualAidModule } from './mutual-aid/mutual-aid.module';
import { HouseholdsModule } from './households/households.module';

/** Every module, for every role: APP_ROLE decides what runs (HTTP listener, workers, schedulers). */
@Module({
  imports: [
    AppConfigModule,
    LoggerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (c: AppConfig) => ({
        pinoHttp: {
          level: c.logLevel,
          genReqId: requestIdFor,
          customProps: (req) => ({ requestId: (req as { id?: unknown }).id }),
          redact: ['req.headers.authorization', 'req.headers.cookie'],
          autoLogging: { ignore: (req) => req.url === '/health' },
          serializers: {
            req: (req: { id: string; method: string; url: string }) => ({
              id: req.id,
              method: req.method,
              url: req.url,
            }),
          },
        },
      }),
    }),
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (c: AppConfig) => ({
        throttlers: [{ name: 'default', ttl: 60_000, limit: c.rateLimitPerMinute }],
      }),
    }),
    DatabaseModule,
    JobsModule,
    QueuesBoardModule,
    RegionsModule,
    IdentityModule,
    LedgerModule,
    EarningModule,
    CatalogModule,
    SigningModule,
    NotificationsModule,
    OrdersModule,
    RedemptionModule,
    EntitlementsModule,
    FundingModule,
    NoticesModule,
    AppealsModule,
    HouseholdsModule,
    MutualAidModule,
    HealthModule,
    SettlementModule,
  ],
  providers: [
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
    { provide: APP_GUARD, useClass: UserThrottlerGuard },
  ],
})
export class AppModule {}
