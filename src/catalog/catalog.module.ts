import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogController } from './catalog.controller';
import { CatalogService } from './catalog.service';
import { ListingEntity } from './entities/listing.entity';
import { ListingReportQueries } from './listing-report.queries';

/** The points mall catalog: listings, scope (circulation) and stock. Orders use CatalogService. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([ListingEntity])],
  controllers: [CatalogController],
  providers: [ListingReportQueries, CatalogService],
  exports: [ListingReportQueries, CatalogService],
})
export class CatalogModule {}
