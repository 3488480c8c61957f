import { Module } from '@nestjs/common';
import { EarningModule } from '../earning/earning.module';
import { FundingModule } from '../funding/funding.module';
import { LedgerModule } from '../ledger/ledger.module';
import { OrdersModule } from '../orders/orders.module';
import { RegionsModule } from '../regions/regions.module';
import { SettlementController } from './settlement.controller';
import { SettlementRepository } from './settlement.repository';
import { SettlementService } from './settlement.service';

/**
 * City-wide settlement (通兑): monthly statements per paying community and provider from the
 * ledger's redemptions, closed by street offices and city administrators into CNY_FEN transfers
 * from the paying communities' funds.
 */
@Module({
  imports: [EarningModule, FundingModule, LedgerModule, OrdersModule, RegionsModule],
  controllers: [SettlementController],
  providers: [SettlementService, SettlementRepository],
})
export class SettlementModule {}
