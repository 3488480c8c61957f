import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { CurrentActor, IdParam, Roles } from '../common/decorators';
import {
  CreateOrganizationDto,
  CreateRegionDto,
  OrganizationsQuery,
  UpdateCommunityProfileDto,
} from './dto/regions.dto';
import { RegionsService } from './regions.service';

@ApiTags('regions')
@ApiBearerAuth()
@Controller()
export class RegionsController {
  constructor(private readonly regions: RegionsService) {}

  @Get('regions/tree')
  tree(@CurrentActor() actor: Actor) {
    return this.regions.tree(actor);
  }

  @Post('regions')
  @Roles('city_admin')
  create(@CurrentActor() actor: Actor, @Body() body: CreateRegionDto) {
    return this.regions.create(actor, body);
  }

  @Post('organizations')
  @Roles('city_admin', 'street_officer')
  createOrganization(@CurrentActor() actor: Actor, @Body() body: CreateOrganizationDto) {
    return this.regions.createOrganization(actor, body);
  }

  @Get('organizations')
  listOrganizations(@CurrentActor() actor: Actor, @Query() q: OrganizationsQuery) {
    return this.regions.listOrganizations(actor, q.regionId);
  }

  @Get('communities/:id/profile')
  profile(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.regions.getProfile(actor, id);
  }

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
