import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CommunityProfileEntity } from './entities/community-profile.entity';
import { OrganizationEntity } from './entities/organization.entity';
import { RegionEntity } from './entities/region.entity';
import { RegionsController } from './regions.controller';
import { RegionsService } from './regions.service';
import { RegionReportQueries } from './region-report.queries';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([RegionEntity, OrganizationEntity, CommunityProfileEntity])],
  controllers: [RegionsController],
  providers: [RegionReportQueries, RegionsService],
  exports: [RegionReportQueries, RegionsService],
})
export class RegionsModule {}
