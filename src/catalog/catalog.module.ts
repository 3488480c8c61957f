import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogController } from './catalog.controller';
import { CatalogService } from './catalog.service';
import { ListingEntity } from './entities/listing.entity';
import { ListingTitlesQueries } from './listing-titles.queries';

/** The points mall catalog: listings, scope (circulation) and stock. Orders use CatalogService. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([ListingEntity])],
  controllers: [CatalogController],
  providers: [CatalogService, ListingTitlesQueries],
  exports: [CatalogService, ListingTitlesQueries],
})
export class CatalogModule {}
