import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Actor, COMMUNITY_STAFF_ROLES } from '../common/actor';
import { ApiIdempotencyKey, CurrentActor, IdempotencyKey, IdParam, Roles } from '../common/decorators';
import { ApiErrors } from '../common/openapi';
import {
  CompleteMutualAidRequestDto,
  CreateMutualAidRequestDto,
  MutualAidRequestsQuery,
  TimeGiftDto,
} from './dto/mutual-aid.dto';
import { MutualAidRequest, MutualAidRequestPage, TimeAccount, TimeGift } from './dto/mutual-aid.views';
import { MutualAidService } from './mutual-aid.service';
import { TimeAccountsService } from './time-accounts.service';

@ApiTags('mutual-aid')
@ApiBearerAuth()
@Controller()
export class MutualAidController {
  constructor(
    private readonly aid: MutualAidService,
    private readonly times: TimeAccountsService,
  ) {}

  @ApiOperation({ summary: 'Ask for help (a resident for themself, a grid worker for a resident)' })
  @ApiCreatedResponse({ type: MutualAidRequest })
  @ApiErrors('NOT_FOUND', 'INSUFFICIENT_MINUTES', 'IDEMPOTENCY_KEY_REUSED')
  @Post('mutual-aid/requests')
  @Roles('resident', 'grid_worker')
  @ApiIdempotencyKey()
  ask(@CurrentActor() actor: Actor, @Body() body: CreateMutualAidRequestDto, @IdempotencyKey() key?: string) {
    return this.aid.ask(actor, body, key);
  }

  @ApiOperation({ summary: "A page of the community's requests for help, newest first" })
  @ApiOkResponse({ type: MutualAidRequestPage })
  @ApiErrors('NOT_FOUND')
  @Get('mutual-aid/requests')
  @Roles('resident', ...COMMUNITY_STAFF_ROLES, 'street_officer', 'city_admin')
  list(@CurrentActor() actor: Actor, @Query() q: MutualAidRequestsQuery) {
    return this.aid.list(actor, q);
  }

  @ApiOperation({ summary: 'Volunteer for a request (a resident of its community, 18+, not the asker)' })
  @ApiOkResponse({ type: MutualAidRequest })
  @ApiErrors(
    'ALREADY_CLAIMED',
    'NOT_ELIGIBLE',
    'SELF_SERVICE_FORBIDDEN',
    'INSUFFICIENT_MINUTES',
    'INVALID_STATE',
  )
  @Post('mutual-aid/requests/:id/claim')
  @Roles('resident')
  @HttpCode(200)
  claim(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.aid.claim(actor, id);
  }

  @ApiOperation({ summary: 'Record the minutes the help took (the volunteer who claimed it)' })
  @ApiOkResponse({ type: MutualAidRequest })
  @ApiErrors('INVALID_STATE')
  @Post('mutual-aid/requests/:id/complete')
  @Roles('resident')
  @HttpCode(200)
  complete(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: CompleteMutualAidRequestDto) {
    return this.aid.complete(actor, id, body);
  }

  @ApiOperation({
    summary: 'Confirm the help (the person helped, or a grid worker for them): credits the minutes once',
  })
  @ApiOkResponse({ type: MutualAidRequest })
  @ApiErrors('ALREADY_CONFIRMED', 'SELF_CONFIRM_FORBIDDEN', 'TIME_CAP_REACHED', 'INVALID_STATE')
  @Post('mutual-aid/requests/:id/confirm')
  @Roles('resident', 'grid_worker')
  @HttpCode(200)
  confirm(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.aid.confirm(actor, id);
  }

  @ApiOperation({ summary: 'Withdraw an open or claimed request (the asker); held minutes go back' })
  @ApiOkResponse({ type: MutualAidRequest })
  @ApiErrors('INVALID_STATE')
  @Post('mutual-aid/requests/:id/cancel')
  @Roles('resident', 'grid_worker')
  @HttpCode(200)
  cancel(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.aid.cancel(actor, id);
  }

  @ApiOperation({ summary: "The resident's stored minutes (时间储蓄): spendable, held and the cap" })
  @ApiOkResponse({ type: TimeAccount })
  @ApiErrors()
  @Get('me/time-account')
  @Roles('resident')
  timeAccount(@CurrentActor() actor: Actor) {
    return this.times.account(actor);
  }

  @ApiOperation({ summary: 'Give stored minutes to a member of your household' })
  @ApiCreatedResponse({ type: TimeGift })
  @ApiErrors(
    'NOT_FOUND',
    'NOT_SAME_HOUSEHOLD',
    'INSUFFICIENT_MINUTES',
    'TIME_CAP_REACHED',
    'IDEMPOTENCY_KEY_REUSED',
  )
  @Post('time-accounts/gifts')
  @Roles('resident')
  @ApiIdempotencyKey()
  gift(@CurrentActor() actor: Actor, @Body() body: TimeGiftDto, @IdempotencyKey() key?: string) {
    return this.times.gift(actor, body, key);
  }
}
