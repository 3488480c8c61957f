import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { ApiIdempotencyKey, CurrentActor, IdempotencyKey, IdParam, Roles } from '../common/decorators';
import { LISTING_MANAGER_ROLES } from './catalog-rules';
import { CatalogService } from './catalog.service';
import {
  CreateListingDto,
  ListingPage,
  ListingView,
  ListListingsQuery,
  RestockDto,
  UpdateListingDto,
} from './dto/listing.dto';

@ApiTags('catalog')
@ApiBearerAuth()
@Controller('listings')
export class CatalogController {
  constructor(private readonly catalog: CatalogService) {}

  @Post()
  @Roles(...LISTING_MANAGER_ROLES)
  @ApiIdempotencyKey()
  @ApiCreatedResponse({ type: ListingView })
  create(@CurrentActor() actor: Actor, @Body() body: CreateListingDto, @IdempotencyKey() key?: string) {
    return this.catalog.create(actor, body, key);
  }

  @Get()
  @ApiOkResponse({ type: ListingPage })
  list(@CurrentActor() actor: Actor, @Query() query: ListListingsQuery) {
    return this.catalog.list(actor, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: ListingView })
  get(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.catalog.get(actor, id);
  }

  @Patch(':id')
  @Roles(...LISTING_MANAGER_ROLES)
  @ApiOkResponse({ type: ListingView })
  update(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: UpdateListingDto) {
    return this.catalog.update(actor, id, body);
  }

  @Post(':id/restock')
  @HttpCode(200)
  @Roles(...LISTING_MANAGER_ROLES)
  @ApiOkResponse({ type: ListingView })
  restock(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: RestockDto) {
    return this.catalog.restock(actor, id, body.quantity);
  }

  @Post(':id/unpublish')
  @HttpCode(200)
  @Roles(...LISTING_MANAGER_ROLES)
  @ApiOkResponse({ type: ListingView })
  unpublish(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.catalog.setStatus(actor, id, 'unpublished');
  }

  @Post(':id/publish')
  @HttpCode(200)
  @Roles(...LISTING_MANAGER_ROLES)
  @ApiOkResponse({ type: ListingView })
  publish(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.catalog.setStatus(actor, id, 'published');
  }
}
