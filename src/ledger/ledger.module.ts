import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EarningLedgerQueries } from './earning.queries';
import { AccountEntity } from './entities/account.entity';
import { TransferEntity } from './entities/transfer.entity';
import { LedgerAuditService } from './ledger-audit.service';
import { LedgerController } from './ledger.controller';
import { LedgerService } from './ledger.service';
import { WalletService } from './wallet.service';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([AccountEntity, TransferEntity])],
  controllers: [LedgerController],
  providers: [LedgerService, LedgerAuditService, WalletService, EarningLedgerQueries],
  exports: [LedgerService, LedgerAuditService, EarningLedgerQueries],
})
export class LedgerModule {}
