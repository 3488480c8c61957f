import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EarningModule } from '../earning/earning.module';
import { IdentityModule } from '../identity/identity.module';
import { LedgerModule } from '../ledger/ledger.module';
import { NoticesModule } from '../notices/notices.module';
import { RegionsModule } from '../regions/regions.module';
import { AppealsController } from './appeals.controller';
import { AppealsRepository } from './appeals.repository';
import { AppealsService } from './appeals.service';
import { AppealEntity } from './entities/appeal.entity';

/** Appeals against deductions: reads and reverses deductions through earning, publishes decisions. */
@Module({
  imports: [
    TypeOrmModule.forFeature([AppealEntity]),
    EarningModule,
    IdentityModule,
    LedgerModule,
    NoticesModule,
    RegionsModule,
  ],
  controllers: [AppealsController],
  providers: [AppealsService, AppealsRepository],
})
export class AppealsModule {}
