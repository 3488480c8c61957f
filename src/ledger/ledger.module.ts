import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountEntity } from './entities/account.entity';
import { TransferEntity } from './entities/transfer.entity';
import { LedgerAuditService } from './ledger-audit.service';
import { LedgerController } from './ledger.controller';
import { LedgerService } from './ledger.service';
import { RedemptionSettlementQueries } from './redemption-settlement.queries';
import { WalletService } from './wallet.service';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([AccountEntity, TransferEntity])],
  controllers: [LedgerController],
  providers: [LedgerService, LedgerAuditService, WalletService, RedemptionSettlementQueries],
  exports: [LedgerService, LedgerAuditService, RedemptionSettlementQueries],
})
export class LedgerModule {}
