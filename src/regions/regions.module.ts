import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CommunityProfileEntity } from './entities/community-profile.entity';
import { OrganizationEntity } from './entities/organization.entity';
import { RegionEntity } from './entities/region.entity';
import { RedemptionPlacesQueries } from './redemption-places.queries';
import { RegionsController } from './regions.controller';
import { RegionsService } from './regions.service';
import { RegionReportQueries } from './region-report.queries';
import { RegionsRepository } from './regions.repository';
import { SettlementPlacesQueries } from './settlement-places.queries';

@Module({
  imports: [TypeOrmModule.forFeature([RegionEntity, OrganizationEntity, CommunityProfileEntity])],
  controllers: [RegionsController],
  providers: [
    RegionsService,
    RedemptionPlacesQueries,
    RegionReportQueries,
    RegionsRepository,
    SettlementPlacesQueries,
  ],
  exports: [RegionsService, RedemptionPlacesQueries, RegionReportQueries, SettlementPlacesQueries],
})
export class RegionsModule {}
