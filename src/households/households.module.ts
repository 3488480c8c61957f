import { Module } from '@nestjs/common';
import { EarningModule } from '../earning/earning.module';
import { IdentityModule } from '../identity/identity.module';
import { LedgerModule } from '../ledger/ledger.module';
import { RegionsModule } from '../regions/regions.module';
import { HouseholdsController } from './households.controller';
import { HouseholdsService } from './households.service';

/** Households (户): members, balances, the household's credit level, gifts within the household. */
@Module({
  imports: [IdentityModule, LedgerModule, RegionsModule, EarningModule],
  controllers: [HouseholdsController],
  providers: [HouseholdsService],
  exports: [HouseholdsService],
})
export class HouseholdsModule {}
