import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '../catalog/catalog.module';
import { EarningModule } from '../earning/earning.module';
import { LedgerModule } from '../ledger/ledger.module';
import { NoticesModule } from '../notices/notices.module';
import { RegionsModule } from '../regions/regions.module';
import { CommunityExpenseEntity } from './entities/community-expense.entity';
import { DonationLotEntity } from './entities/donation-lot.entity';
import { DonationEntity } from './entities/donation.entity';
import { FundingReportReviewEntity } from './entities/funding-report-review.entity';
import { FundingReportVersionEntity } from './entities/funding-report-version.entity';
import { FundingReportEntity } from './entities/funding-report.entity';
import { LotConsumptionEntity } from './entities/lot-consumption.entity';
import { FundingReportProcessor } from './funding-report.processor';
import { FundingReportsController } from './funding-reports.controller';
import { FundingReportsService } from './funding-reports.service';
import { FundingController } from './funding.controller';
import { FundingService } from './funding.service';
import { ReportBuilderService } from './report-builder.service';
import { ReportFiguresService } from './report-figures.service';
import { EntitlementsModule } from '../entitlements/entitlements.module';
import { IdentityModule } from '../identity/identity.module';
import { OrdersModule } from '../orders/orders.module';
import { DonationTraceReader } from './donation-trace';
import { DonationsRepository } from './donations.repository';
import { ExpensesRepository } from './expenses.repository';
import { FundingReportsRepository } from './funding-reports.repository';
import { LotsRepository } from './lots.repository';
import { RedemptionCostService } from './redemption-cost.service';

/**
 * Donations, expenses, lots and the cost of redemptions (FundingService, exported: the redemption
 * capture calls `recognizeRedemptionCost`), and funding reports built by the reports queue.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      DonationEntity,
      DonationLotEntity,
      LotConsumptionEntity,
      CommunityExpenseEntity,
      FundingReportEntity,
      FundingReportVersionEntity,
      FundingReportReviewEntity,
    ]),
    CatalogModule,
    EarningModule,
    LedgerModule,
    NoticesModule,
    RegionsModule,
    OrdersModule,
    IdentityModule,
    EntitlementsModule,
  ],
  controllers: [FundingController, FundingReportsController],
  providers: [
    FundingService,
    FundingReportsService,
    ReportFiguresService,
    ReportBuilderService,
    FundingReportProcessor,
    RedemptionCostService,
    DonationTraceReader,
    DonationsRepository,
    ExpensesRepository,
    LotsRepository,
    FundingReportsRepository,
  ],
  exports: [FundingService, FundingReportsService, ReportBuilderService],
})
export class FundingModule {}
