import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountEntity } from './entities/account.entity';
import { TransferEntity } from './entities/transfer.entity';
import { LedgerAuditService } from './ledger-audit.service';
import { LedgerController } from './ledger.controller';
import { LedgerService } from './ledger.service';
import { WalletService } from './wallet.service';
import { LedgerReportQueries } from './ledger-report.queries';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([AccountEntity, TransferEntity])],
  controllers: [LedgerController],
  providers: [LedgerReportQueries, LedgerService, LedgerAuditService, WalletService],
  exports: [LedgerReportQueries, LedgerService, LedgerAuditService],
})
export class LedgerModule {}
