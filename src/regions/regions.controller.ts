import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { CurrentActor, IdParam, Roles } from '../common/decorators';
import {
  CreateOrganizationDto,
  CreateRegionDto,
  OrganizationsQuery,
  UpdateCommunityProfileDto,
} from './dto/regions.dto';
import { RegionsService } from './regions.service';
import { ApiErrors } from '../common/openapi';
import { CommunityProfile, Organization, Region, RegionNode } from './dto/regions.views';

@ApiTags('regions')
@ApiBearerAuth()
@Controller()
export class RegionsController {
  constructor(private readonly regions: RegionsService) {}

  @ApiOperation({
    summary: "The caller's city as a region tree (the whole platform for the platform administrator)",
  })
  @ApiOkResponse({ type: RegionNode, isArray: true })
  @ApiErrors()
  @Get('regions/tree')
  tree(@CurrentActor() actor: Actor) {
    return this.regions.tree(actor);
  }

  @ApiOperation({
    summary: 'Create a region (district, street, community or village; a city: platform administrator only)',
  })
  @ApiCreatedResponse({ type: Region })
  @ApiErrors('NOT_FOUND', 'UNPROCESSABLE')
  @Post('regions')
  @Roles('city_admin')
  create(@CurrentActor() actor: Actor, @Body() body: CreateRegionDto) {
    return this.regions.create(actor, body);
  }

  @ApiOperation({ summary: 'Register an organisation (merchant, hospital, canteen, ...) in a region' })
  @ApiCreatedResponse({ type: Organization })
  @ApiErrors('NOT_FOUND')
  @Post('organizations')
  @Roles('city_admin', 'street_officer')
  createOrganization(@CurrentActor() actor: Actor, @Body() body: CreateOrganizationDto) {
    return this.regions.createOrganization(actor, body);
  }

  @ApiOperation({ summary: "Organisations in the caller's scope" })
  @ApiOkResponse({ type: Organization, isArray: true })
  @ApiErrors('NOT_FOUND')
  @Get('organizations')
  listOrganizations(@CurrentActor() actor: Actor, @Query() q: OrganizationsQuery) {
    return this.regions.listOrganizations(actor, q.regionId);
  }

  @ApiOperation({ summary: "A community's figures (population, households, collective income, base grant)" })
  @ApiOkResponse({ type: CommunityProfile })
  @ApiErrors()
  @Get('communities/:id/profile')
  profile(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.regions.getProfile(actor, id);
  }

  @ApiOperation({ summary: "Update a community's figures" })
  @ApiOkResponse({ type: CommunityProfile })
  @ApiErrors()
  @Patch('communities/:id/profile')
  @Roles('community_admin', 'street_officer', 'city_admin')
  updateProfile(
    @CurrentActor() actor: Actor,
    @IdParam() id: string,
    @Body() body: UpdateCommunityProfileDto,
  ) {
    return this.regions.updateProfile(actor, id, body);
  }
}
