import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HouseholdsModule } from '../households/households.module';
import { IdentityModule } from '../identity/identity.module';
import { LedgerModule } from '../ledger/ledger.module';
import { RegionsModule } from '../regions/regions.module';
import { MutualAidRequestEntity } from './entities/mutual-aid-request.entity';
import { MutualAidController } from './mutual-aid.controller';
import { MutualAidRepository } from './mutual-aid.repository';
import { MutualAidService } from './mutual-aid.service';
import { TimeAccountsService } from './time-accounts.service';

/** Mutual aid (银龄互助) and stored time (时间储蓄, the TIME_MINUTES ledger). */
@Module({
  imports: [
    TypeOrmModule.forFeature([MutualAidRequestEntity]),
    HouseholdsModule,
    IdentityModule,
    LedgerModule,
    RegionsModule,
  ],
  controllers: [MutualAidController],
  providers: [MutualAidService, TimeAccountsService, MutualAidRepository],
  exports: [],
})
export class MutualAidModule {}
