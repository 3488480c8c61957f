import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '../catalog/catalog.module';
import { EarningModule } from '../earning/earning.module';
import { FundingModule } from '../funding/funding.module';
import { IdentityModule } from '../identity/identity.module';
import { LedgerModule } from '../ledger/ledger.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { OrdersModule } from '../orders/orders.module';
import { RegionsModule } from '../regions/regions.module';
import { SigningModule } from '../signing/signing.module';
import { CaptureBatcher } from './capture-batcher.service';
import { CaptureService } from './capture.service';
import { CounterFacts } from './counter-facts';
import { DisputesRepository } from './disputes.repository';
import { DisputesService } from './disputes.service';
import { OfflineAllowanceEntity } from './entities/offline-allowance.entity';
import { OfflineScanEntity } from './entities/offline-scan.entity';
import { RedemptionDisputeEntity } from './entities/redemption-dispute.entity';
import { RedemptionEntity } from './entities/redemption.entity';
import { ScanAuditEntity } from './entities/scan-audit.entity';
import { OfflineRedemptionController } from './offline.controller';
import { OfflineBatchesRepository } from './offline-batches.repository';
import { OfflineSyncService } from './offline-sync.service';
import { OfflineUploadBatch } from './offline-upload.service';
import { RedemptionReportsService } from './redemption-reports.service';
import { RedemptionController } from './redemption.controller';
import { RedemptionService } from './redemption.service';
import { RedemptionsRepository } from './redemptions.repository';
import { ScanAuditRepository } from './scan-audit.repository';
import { ScanHistoryService } from './scan-history.service';
import { ScannerAccess } from './scanner-access.service';

/** Scanning vouchers at the counter (online and offline), disputes, key rotation, merchant settlement. */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      RedemptionEntity,
      OfflineScanEntity,
      RedemptionDisputeEntity,
      OfflineAllowanceEntity,
      ScanAuditEntity,
    ]),
    CatalogModule,
    EarningModule,
    FundingModule,
    IdentityModule,
    LedgerModule,
    NotificationsModule,
    OrdersModule,
    RegionsModule,
    SigningModule,
  ],
  controllers: [RedemptionController, OfflineRedemptionController],
  providers: [
    ScanHistoryService,
    RedemptionService,
    CaptureService,
    CaptureBatcher,
    OfflineSyncService,
    OfflineUploadBatch,
    DisputesService,
    RedemptionReportsService,
    ScannerAccess,
    CounterFacts,
    RedemptionsRepository,
    ScanAuditRepository,
    OfflineBatchesRepository,
    DisputesRepository,
  ],
})
export class RedemptionModule {}
