import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { CurrentActor, IdParam, Roles } from '../common/decorators';
import { ApiErrors } from '../common/openapi';
import { APPEAL_STAFF_ROLES, AppealsService, DECIDING_ROLES } from './appeals.service';
import { AppealsQuery, CreateAppealDto, DecideAppealDto, MyAppealsQuery } from './dto/appeals.dto';
import { Appeal, AppealPage } from './dto/appeals.views';

/** Appeals against deductions (申诉). */
@ApiTags('appeals')
@ApiBearerAuth()
@Controller()
export class AppealsController {
  constructor(private readonly appeals: AppealsService) {}

  @ApiOperation({ summary: 'Appeal a deduction within 30 days (the resident who was deducted)' })
  @ApiCreatedResponse({ type: Appeal })
  @ApiErrors('NOT_FOUND', 'APPEAL_WINDOW_CLOSED', 'ALREADY_EXISTS', 'ALREADY_DECIDED')
  @Post('appeals')
  @Roles('resident')
  create(@CurrentActor() actor: Actor, @Body() body: CreateAppealDto) {
    return this.appeals.create(actor, body);
  }

  @ApiOperation({ summary: 'Appeals of the caller’s scope, newest first (staff)' })
  @ApiOkResponse({ type: AppealPage })
  @ApiErrors('NOT_FOUND')
  @Get('appeals')
  @Roles(...APPEAL_STAFF_ROLES)
  list(@CurrentActor() actor: Actor, @Query() q: AppealsQuery) {
    return this.appeals.list(actor, q);
  }

  @ApiOperation({ summary: 'The caller’s own appeals, newest first (a resident)' })
  @ApiOkResponse({ type: AppealPage })
  @ApiErrors()
  @Get('me/appeals')
  mine(@CurrentActor() actor: Actor, @Query() q: MyAppealsQuery) {
    return this.appeals.mine(actor, q);
  }

  @ApiOperation({ summary: 'One appeal (the resident who made it, or staff of its community’s scope)' })
  @ApiOkResponse({ type: Appeal })
  @ApiErrors()
  @Get('appeals/:id')
  get(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.appeals.get(actor, id);
  }

  @ApiOperation({
    summary:
      'Decide an appeal: uphold (reverses the deduction once) or reject (staff other than the one who deducted)',
  })
  @ApiOkResponse({ type: Appeal })
  @ApiErrors('SELF_REVIEW_FORBIDDEN', 'ALREADY_DECIDED')
  @Post('appeals/:id/decide')
  @Roles(...DECIDING_ROLES)
  @HttpCode(200)
  decide(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: DecideAppealDto) {
    return this.appeals.decide(actor, id, body);
  }
}
