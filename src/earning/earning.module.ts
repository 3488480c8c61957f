import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdentityModule } from '../identity/identity.module';
import { LedgerModule } from '../ledger/ledger.module';
import { NoticesModule } from '../notices/notices.module';
import { RegionsModule } from '../regions/regions.module';
import { SigningModule } from '../signing/signing.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { AwardsController } from './awards.controller';
import { AwardsRepository } from './awards.repository';
import { AwardsService } from './awards.service';
import { BaseGrantService } from './base-grant.service';
import { CreditService } from './credit.service';
import { DeclarationsService } from './declarations.service';
import { EarningProcessor } from './earning.processor';
import { AwardEntity } from './entities/award.entity';
import { BaseGrantRunEntity } from './entities/base-grant-run.entity';
import { CreditThresholdEntity } from './entities/credit-threshold.entity';
import { DeclarationEntity } from './entities/declaration.entity';
import { EarningSettingsEntity } from './entities/earning-settings.entity';
import { PointRuleEntity } from './entities/point-rule.entity';
import { PointRulesController } from './point-rules.controller';
import { PointRulesService } from './point-rules.service';
import { StandingsController } from './standings.controller';
import { StandingsService } from './standings.service';
import { BaseGrantRunsRepository } from './base-grant-runs.repository';
import { CreditThresholdsRepository } from './credit-thresholds.repository';
import { DeclarationsRepository } from './declarations.repository';
import { PointRulesRepository } from './point-rules.repository';
import { StandingsRepository } from './standings.repository';
import { PointsExpiryService } from './points-expiry.service';
import { PointsExpiryNotices } from './points-expiry-notices.service';
import { PointsExpiryRunsRepository } from './points-expiry-runs.repository';

/** Rule books, awards, declarations, base grants, rankings, boards and credit levels. */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      PointRuleEntity,
      AwardEntity,
      DeclarationEntity,
      BaseGrantRunEntity,
      EarningSettingsEntity,
      CreditThresholdEntity,
    ]),
    IdentityModule,
    LedgerModule,
    NoticesModule,
    RegionsModule,
    SigningModule,
    NotificationsModule,
  ],
  controllers: [PointRulesController, AwardsController, StandingsController],
  providers: [
    PointRulesService,
    AwardsService,
    DeclarationsService,
    BaseGrantService,
    StandingsService,
    CreditService,
    EarningProcessor,
    PointRulesRepository,
    DeclarationsRepository,
    BaseGrantRunsRepository,
    StandingsRepository,
    CreditThresholdsRepository,
    AwardsRepository,
    PointsExpiryService,
    PointsExpiryNotices,
    PointsExpiryRunsRepository,
  ],
  exports: [CreditService, PointRulesService, AwardsService, BaseGrantService],
})
export class EarningModule {}
