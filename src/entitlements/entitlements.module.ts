import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EarningModule } from '../earning/earning.module';
import { IdentityModule } from '../identity/identity.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { RegionsModule } from '../regions/regions.module';
import { SigningModule } from '../signing/signing.module';
import { DeferredBillsService } from './deferred-bills.service';
import { EntitlementCountersRepository } from './entitlement-counters.repository';
import { EntitlementPoliciesController } from './entitlement-policies.controller';
import { EntitlementPoliciesRepository } from './entitlement-policies.repository';
import { EntitlementUsesRepository } from './entitlement-uses.repository';
import { EntitlementsController } from './entitlements.controller';
import { EntitlementsService } from './entitlements.service';
import { EntitlementBalanceEntity } from './entities/entitlement-balance.entity';
import { EntitlementCounterEntity } from './entities/entitlement-counter.entity';
import { EntitlementPolicyEntity } from './entities/entitlement-policy.entity';
import { EntitlementUseEntity } from './entities/entitlement-use.entity';
import { OverdueSweeper } from './overdue-sweeper.service';
import { PassesService } from './passes.service';
import { PoliciesService } from './policies.service';
import { EntitlementReportQueries } from './entitlement-report.queries';

/** Resident passes, per-region policies, hospital and canteen perks, deferred bills. */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      EntitlementPolicyEntity,
      EntitlementCounterEntity,
      EntitlementBalanceEntity,
      EntitlementUseEntity,
    ]),
    EarningModule,
    IdentityModule,
    RegionsModule,
    NotificationsModule,
    SigningModule,
  ],
  controllers: [EntitlementsController, EntitlementPoliciesController],
  providers: [
    PassesService,
    PoliciesService,
    EntitlementsService,
    DeferredBillsService,
    OverdueSweeper,
    EntitlementUsesRepository,
    EntitlementCountersRepository,
    EntitlementPoliciesRepository,
    EntitlementReportQueries,
  ],
  exports: [
    PassesService,
    PoliciesService,
    EntitlementsService,
    DeferredBillsService,
    EntitlementReportQueries,
  ],
})
export class EntitlementsModule {}
