import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Actor, COMMUNITY_STAFF_ROLES } from '../common/actor';
import { ApiIdempotencyKey, CurrentActor, IdempotencyKey, Roles } from '../common/decorators';
import { ApiErrors } from '../common/openapi';
import { HouseholdGiftDto, HouseholdParams, HouseholdQuery } from './dto/households.dto';
import { Household, HouseholdGift } from './dto/households.views';
import { HouseholdsService } from './households.service';

@ApiTags('households')
@ApiBearerAuth()
@Controller('households')
export class HouseholdsController {
  constructor(private readonly households: HouseholdsService) {}

  @ApiOperation({ summary: 'Give points to a member of your household' })
  @ApiCreatedResponse({ type: HouseholdGift })
  @ApiErrors('NOT_FOUND', 'NOT_SAME_HOUSEHOLD', 'INSUFFICIENT_POINTS', 'IDEMPOTENCY_KEY_REUSED')
  @Post('gifts')
  @Roles('resident')
  @ApiIdempotencyKey()
  gift(@CurrentActor() actor: Actor, @Body() body: HouseholdGiftDto, @IdempotencyKey() key?: string) {
    return this.households.gift(actor, body, key);
  }

  @ApiOperation({ summary: "A household: members' points and the year's earnings, its credit level" })
  @ApiOkResponse({ type: Household })
  @ApiErrors('NOT_FOUND')
  @Get(':householdNo')
  @Roles('resident', ...COMMUNITY_STAFF_ROLES, 'street_officer', 'city_admin')
  view(@CurrentActor() actor: Actor, @Param() params: HouseholdParams, @Query() q: HouseholdQuery) {
    return this.households.view(actor, params.householdNo, q.communityId);
  }
}
