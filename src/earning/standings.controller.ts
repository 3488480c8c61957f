import { Body, Controller, Delete, Get, HttpCode, Post, Put, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { CurrentActor, IdParam, IntParam, Roles } from '../common/decorators';
import { BaseGrantService } from './base-grant.service';
import { CreditService } from './credit.service';
import {
  BaseGrantDto,
  BoardsQuery,
  CreditThresholdsDto,
  EarningSettingsDto,
  RankingsQuery,
  CreditQuery,
} from './dto/earning.dto';
import { StandingsService } from './standings.service';

/** Base grants, rankings, boards, credit levels and their settings. */
@ApiTags('earning')
@ApiBearerAuth()
@Controller()
export class StandingsController {
  constructor(
    private readonly baseGrants: BaseGrantService,
    private readonly standings: StandingsService,
    private readonly credit: CreditService,
  ) {}

  @Post('communities/:id/base-grants')
  @Roles('community_admin')
  @HttpCode(202)
  @ApiAcceptedResponse({ description: 'the run, queued (or as it is when already queued or running)' })
  requestBaseGrant(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: BaseGrantDto) {
    return this.baseGrants.request(actor, id, body.year);
  }

  @Get('communities/:id/base-grants/:year')
  baseGrant(@CurrentActor() actor: Actor, @IdParam() id: string, @IntParam('year', 2000, 2100) year: number) {
    return this.baseGrants.status(actor, id, year);
  }

  @Get('rankings')
  rankings(@CurrentActor() actor: Actor, @Query() q: RankingsQuery) {
    return this.standings.rankings(actor, q);
  }

  @Get('communities/:id/boards')
  boards(@CurrentActor() actor: Actor, @IdParam() id: string, @Query() q: BoardsQuery) {
    return this.standings.boards(actor, id, q);
  }

  @Get('communities/:id/earning-settings')
  settings(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.standings.settings(actor, id);
  }

  @Put('communities/:id/earning-settings')
  @Roles('community_admin')
  updateSettings(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: EarningSettingsDto) {
    return this.standings.updateSettings(actor, id, body);
  }

  @Get('residents/:id/credit')
  residentCredit(@CurrentActor() actor: Actor, @IdParam() id: string, @Query() q: CreditQuery) {
    return this.credit.credit(actor, id, q.year, q.passCode);
  }

  @Get('regions/:id/credit-thresholds')
  thresholds(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.credit.getThresholds(actor, id);
  }

  @Put('regions/:id/credit-thresholds')
  @Roles('city_admin', 'street_officer')
  setThresholds(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: CreditThresholdsDto) {
    return this.credit.setThresholds(actor, id, body);
  }

  @Delete('regions/:id/credit-thresholds')
  @Roles('city_admin', 'street_officer')
  clearThresholds(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.credit.clearThresholds(actor, id);
  }
}
