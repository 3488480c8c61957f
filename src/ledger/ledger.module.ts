import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsRepository } from './accounts.repository';
import { AccountEntity } from './entities/account.entity';
import { TransferEntity } from './entities/transfer.entity';
import { LedgerAuditService } from './ledger-audit.service';
import { LedgerController } from './ledger.controller';
import { LedgerService } from './ledger.service';
import { TransfersRepository } from './transfers.repository';
import { RedemptionSettlementQueries } from './redemption-settlement.queries';
import { WalletService } from './wallet.service';
import { LedgerReportQueries } from './ledger-report.queries';
import { EarningLedgerQueries } from './earning.queries';
import { PendingBatchService } from './pending-batch.service';

@Module({
  imports: [TypeOrmModule.forFeature([AccountEntity, TransferEntity])],
  controllers: [LedgerController],
  providers: [
    LedgerService,
    LedgerAuditService,
    WalletService,
    AccountsRepository,
    TransfersRepository,
    RedemptionSettlementQueries,
    LedgerReportQueries,
    EarningLedgerQueries,
    PendingBatchService,
  ],
  exports: [
    LedgerService,
    LedgerAuditService,
    RedemptionSettlementQueries,
    LedgerReportQueries,
    EarningLedgerQueries,
    PendingBatchService,
  ],
})
export class LedgerModule {}
