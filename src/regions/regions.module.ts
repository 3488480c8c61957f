import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CommunityProfileEntity } from './entities/community-profile.entity';
import { OrganizationEntity } from './entities/organization.entity';
import { RegionEntity } from './entities/region.entity';
import { RegionsController } from './regions.controller';
import { RegionsRepository } from './regions.repository';
import { RegionsService } from './regions.service';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([RegionEntity, OrganizationEntity, CommunityProfileEntity])],
  controllers: [RegionsController],
  providers: [RegionsService, RegionsRepository],
  exports: [RegionsService],
})
export class RegionsModule {}
