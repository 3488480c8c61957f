import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RegionsModule } from '../regions/regions.module';
import { CatalogController } from './catalog.controller';
import { CatalogService } from './catalog.service';
import { ListingEntity } from './entities/listing.entity';
import { ListingsRepository } from './listings.repository';
import { ListingTitlesQueries } from './listing-titles.queries';
import { ListingReportQueries } from './listing-report.queries';

/** The points mall catalog: listings, scope (circulation) and stock. Orders use CatalogService. */
@Module({
  imports: [TypeOrmModule.forFeature([ListingEntity]), RegionsModule],
  controllers: [CatalogController],
  providers: [CatalogService, ListingsRepository, ListingTitlesQueries, ListingReportQueries],
  exports: [CatalogService, ListingTitlesQueries, ListingReportQueries],
})
export class CatalogModule {}
