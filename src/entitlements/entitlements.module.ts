import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EarningModule } from '../earning/earning.module';
import { DeferredBillsService } from './deferred-bills.service';
import { EntitlementPoliciesController } from './entitlement-policies.controller';
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
  ],
  controllers: [EntitlementsController, EntitlementPoliciesController],
  providers: [
    EntitlementReportQueries,
    PassesService,
    PoliciesService,
    EntitlementsService,
    DeferredBillsService,
    OverdueSweeper,
  ],
  exports: [
    EntitlementReportQueries,
    PassesService,
    PoliciesService,
    EntitlementsService,
    DeferredBillsService,
  ],
})
export class EntitlementsModule {}
