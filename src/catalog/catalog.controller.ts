import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
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
import { ApiErrors } from '../common/openapi';

@ApiTags('catalog')
@ApiBearerAuth()
@Controller('listings')
export class CatalogController {
  constructor(private readonly catalog: CatalogService) {}

  @ApiOperation({ summary: 'Publish a listing in the points mall' })
  @ApiCreatedResponse({ type: ListingView })
  @ApiErrors('NOT_FOUND', 'UNPROCESSABLE', 'IDEMPOTENCY_KEY_REUSED')
  @Post()
  @Roles(...LISTING_MANAGER_ROLES)
  @ApiIdempotencyKey()
  create(@CurrentActor() actor: Actor, @Body() body: CreateListingDto, @IdempotencyKey() key?: string) {
    return this.catalog.create(actor, body, key);
  }

  @ApiOperation({ summary: 'Listings the caller may order (or, with manage=true, the ones they manage)' })
  @ApiOkResponse({ type: ListingPage })
  @ApiErrors('NOT_FOUND')
  @Get()
  list(@CurrentActor() actor: Actor, @Query() query: ListListingsQuery) {
    return this.catalog.list(actor, query);
  }

  @ApiOperation({ summary: 'One listing' })
  @ApiOkResponse({ type: ListingView })
  @ApiErrors('LISTING_NOT_FOUND')
  @Get(':id')
  get(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.catalog.get(actor, id);
  }

  @ApiOperation({ summary: 'Edit a listing (optionally guarded by its version)' })
  @ApiOkResponse({ type: ListingView })
  @ApiErrors('LISTING_NOT_FOUND', 'CONFLICT', 'UNPROCESSABLE')
  @Patch(':id')
  @Roles(...LISTING_MANAGER_ROLES)
  update(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: UpdateListingDto) {
    return this.catalog.update(actor, id, body);
  }

  @ApiOperation({ summary: 'Add stock to a listing' })
  @ApiOkResponse({ type: ListingView })
  @ApiErrors('LISTING_NOT_FOUND', 'INVALID_STATE', 'CONFLICT')
  @Post(':id/restock')
  @HttpCode(200)
  @Roles(...LISTING_MANAGER_ROLES)
  restock(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: RestockDto) {
    return this.catalog.restock(actor, id, body.quantity);
  }

  @ApiOperation({ summary: 'Take a listing off the mall' })
  @ApiOkResponse({ type: ListingView })
  @ApiErrors('LISTING_NOT_FOUND')
  @Post(':id/unpublish')
  @HttpCode(200)
  @Roles(...LISTING_MANAGER_ROLES)
  unpublish(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.catalog.setStatus(actor, id, 'unpublished');
  }

  @ApiOperation({ summary: 'Put a listing back in the mall' })
  @ApiOkResponse({ type: ListingView })
  @ApiErrors('LISTING_NOT_FOUND')
  @Post(':id/publish')
  @HttpCode(200)
  @Roles(...LISTING_MANAGER_ROLES)
  publish(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.catalog.setStatus(actor, id, 'published');
  }
}
