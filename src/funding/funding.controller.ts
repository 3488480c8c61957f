import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { ApiIdempotencyKey, CurrentActor, IdempotencyKey, IdParam, Roles } from '../common/decorators';
import { CreateDonationDto, CreateExpenseDto } from './dto/funding.dto';
import { FundingService } from './funding.service';

@ApiTags('funding')
@ApiBearerAuth()
@Controller()
export class FundingController {
  constructor(private readonly funding: FundingService) {}

  @Post('donations')
  @Roles('community_admin', 'community_staff')
  @ApiIdempotencyKey()
  donate(@CurrentActor() actor: Actor, @Body() body: CreateDonationDto, @IdempotencyKey() key?: string) {
    return this.funding.donate(actor, body, key);
  }

  @Get('donations/:id')
  @Roles('community_admin', 'community_staff', 'street_officer', 'city_admin')
  donation(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.funding.getDonation(actor, id);
  }

  @Get('donations/:id/trace')
  @Roles('community_admin', 'community_staff', 'street_officer', 'city_admin')
  trace(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.funding.trace(actor, id);
  }

  @Post('communities/:id/expenses')
  @Roles('community_admin', 'community_staff')
  @ApiIdempotencyKey()
  spend(
    @CurrentActor() actor: Actor,
    @IdParam() id: string,
    @Body() body: CreateExpenseDto,
    @IdempotencyKey() key?: string,
  ) {
    return this.funding.spend(actor, id, body, key);
  }

  @Get('communities/:id/funds')
  @Roles('community_admin', 'community_staff', 'street_officer', 'city_admin')
  funds(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.funding.balances(actor, id);
  }
}
