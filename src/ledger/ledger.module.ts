import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsRepository } from './accounts.repository';
import { AccountEntity } from './entities/account.entity';
import { TransferEntity } from './entities/transfer.entity';
import { LedgerAuditService } from './ledger-audit.service';
import { LedgerController } from './ledger.controller';
import { LedgerService } from './ledger.service';
import { LedgerHolds } from './ledger-holds.service';
import { TransfersRepository } from './transfers.repository';
import { RedemptionSettlementQueries } from './redemption-settlement.queries';
import { WalletService } from './wallet.service';
import { LedgerReportQueries } from './ledger-report.queries';
import { EarningLedgerQueries } from './earning.queries';
import { PointsExpiryLedgerQueries } from './points-expiry.queries';
import { SettlementLedgerQueries } from './settlement.queries';
import { PendingBatchService } from './pending-batch.service';

@Module({
  imports: [TypeOrmModule.forFeature([AccountEntity, TransferEntity])],
  controllers: [LedgerController],
  providers: [
    LedgerService,
    LedgerHolds,
    LedgerAuditService,
    WalletService,
    AccountsRepository,
    TransfersRepository,
    RedemptionSettlementQueries,
    LedgerReportQueries,
    EarningLedgerQueries,
    SettlementLedgerQueries,
    PointsExpiryLedgerQueries,
    PendingBatchService,
  ],
  exports: [
    LedgerService,
    LedgerHolds,
    LedgerAuditService,
    RedemptionSettlementQueries,
    LedgerReportQueries,
    EarningLedgerQueries,
    SettlementLedgerQueries,
    PointsExpiryLedgerQueries,
    PendingBatchService,
  ],
})
export class LedgerModule {}
