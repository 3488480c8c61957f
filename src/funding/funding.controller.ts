import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { ApiIdempotencyKey, CurrentActor, IdempotencyKey, IdParam, Roles } from '../common/decorators';
import { CreateDonationDto, CreateExpenseDto } from './dto/funding.dto';
import { FundingService } from './funding.service';
import { ApiErrors } from '../common/openapi';
import { CommunityFunds, Donation, DonationTrace, Expense } from './dto/funding.views';

@ApiTags('funding')
@ApiBearerAuth()
@Controller()
export class FundingController {
  constructor(private readonly funding: FundingService) {}

  @ApiOperation({ summary: 'Record a donation (cash, in kind: lots of listings, or service)' })
  @ApiCreatedResponse({ type: Donation })
  @ApiErrors('NOT_FOUND', 'UNPROCESSABLE', 'IDEMPOTENCY_KEY_REUSED')
  @Post('donations')
  @Roles('community_admin', 'community_staff')
  @ApiIdempotencyKey()
  donate(@CurrentActor() actor: Actor, @Body() body: CreateDonationDto, @IdempotencyKey() key?: string) {
    return this.funding.donate(actor, body, key);
  }

  @ApiOperation({ summary: 'One donation' })
  @ApiOkResponse({ type: Donation })
  @ApiErrors()
  @Get('donations/:id')
  @Roles('community_admin', 'community_staff', 'street_officer', 'city_admin')
  donation(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.funding.getDonation(actor, id);
  }

  @ApiOperation({ summary: 'Where a donation went: lots, stock, redemptions, what is left' })
  @ApiOkResponse({ type: DonationTrace })
  @ApiErrors()
  @Get('donations/:id/trace')
  @Roles('community_admin', 'community_staff', 'street_officer', 'city_admin')
  trace(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.funding.trace(actor, id);
  }

  @ApiOperation({ summary: 'Spend from the community fund (optionally stocking a listing)' })
  @ApiCreatedResponse({ type: Expense })
  @ApiErrors('INSUFFICIENT_FUNDS', 'UNPROCESSABLE', 'IDEMPOTENCY_KEY_REUSED')
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

  @ApiOperation({ summary: 'What the community fund holds and the goods on the shelf' })
  @ApiOkResponse({ type: CommunityFunds })
  @ApiErrors()
  @Get('communities/:id/funds')
  @Roles('community_admin', 'community_staff', 'street_officer', 'city_admin')
  funds(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.funding.balances(actor, id);
  }
}
