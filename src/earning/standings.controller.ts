import { Body, Controller, Delete, Get, HttpCode, Post, Put, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { CurrentActor, IdParam, IntParam, Roles } from '../common/decorators';
import { BaseGrantService } from './base-grant.service';
import { CreditService } from './credit.service';
import {
  BaseGrantDto,
  BoardsQuery,
  CreditThresholdsDto,
  EarningSettingsDto,
  PointsExpiryDto,
  RankingsQuery,
  CreditQuery,
} from './dto/earning.dto';
import { StandingsService } from './standings.service';
import { PointsExpiryService } from './points-expiry.service';
import { ApiErrors } from '../common/openapi';
import {
  BaseGrantRun,
  Boards,
  EarningSettings,
  PointsExpiryRun,
  RankingPage,
  ResidentCredit,
  ResidentCreditThresholds,
} from './dto/earning.views';

/** Base grants, rankings, boards, credit levels and their settings. */
@ApiTags('earning')
@ApiBearerAuth()
@Controller()
export class StandingsController {
  constructor(
    private readonly baseGrants: BaseGrantService,
    private readonly standings: StandingsService,
    private readonly credit: CreditService,
    private readonly expiry: PointsExpiryService,
  ) {}

  @ApiOperation({ summary: 'Queue the yearly base grant of a community (once per year)' })
  @ApiAcceptedResponse({ type: BaseGrantRun })
  @ApiErrors()
  @Post('communities/:id/base-grants')
  @Roles('community_admin')
  @HttpCode(202)
  requestBaseGrant(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: BaseGrantDto) {
    return this.baseGrants.request(actor, id, body.year);
  }

  @ApiOperation({ summary: 'The base grant run of a year: status and counts' })
  @ApiOkResponse({ type: BaseGrantRun })
  @ApiErrors()
  @Get('communities/:id/base-grants/:year')
  baseGrant(@CurrentActor() actor: Actor, @IdParam() id: string, @IntParam('year', 2000, 2100) year: number) {
    return this.baseGrants.status(actor, id, year);
  }

  @ApiOperation({ summary: 'Residents ranked by points earned in a year (names masked for residents)' })
  @ApiOkResponse({ type: RankingPage })
  @ApiErrors('NOT_FOUND')
  @Get('rankings')
  rankings(@CurrentActor() actor: Actor, @Query() q: RankingsQuery) {
    return this.standings.rankings(actor, q);
  }

  @ApiOperation({ summary: 'The red (honour) and yellow (warning) boards' })
  @ApiOkResponse({ type: Boards })
  @ApiErrors()
  @Get('communities/:id/boards')
  boards(@CurrentActor() actor: Actor, @IdParam() id: string, @Query() q: BoardsQuery) {
    return this.standings.boards(actor, id, q);
  }

  @ApiOperation({ summary: "A community's earning settings" })
  @ApiOkResponse({ type: EarningSettings })
  @ApiErrors()
  @Get('communities/:id/earning-settings')
  settings(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.standings.settings(actor, id);
  }

  @ApiOperation({ summary: "Set a community's earning settings" })
  @ApiOkResponse({ type: EarningSettings })
  @ApiErrors()
  @Put('communities/:id/earning-settings')
  @Roles('community_admin')
  updateSettings(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: EarningSettingsDto) {
    return this.standings.updateSettings(actor, id, body);
  }

  @ApiOperation({
    summary: 'Queue the expiry of the points due at a date (pointsValidYears; once per resident and year)',
  })
  @ApiAcceptedResponse({ type: PointsExpiryRun })
  @ApiErrors('POINTS_NEVER_EXPIRE')
  @Post('communities/:id/points-expiry')
  @Roles('community_admin', 'city_admin')
  @HttpCode(202)
  requestExpiry(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: PointsExpiryDto) {
    return this.expiry.request(actor, id, body.asOf);
  }

  @ApiOperation({ summary: "A resident's credit level (AAA/AA/A) and what it entitles them to" })
  @ApiOkResponse({ type: ResidentCredit })
  @ApiErrors('INVALID_CODE', 'PASS_EXPIRED')
  @Get('residents/:id/credit')
  residentCredit(@CurrentActor() actor: Actor, @IdParam() id: string, @Query() q: CreditQuery) {
    return this.credit.credit(actor, id, q.year, q.passCode);
  }

  @ApiOperation({ summary: 'The credit thresholds in force for a region (own or inherited)' })
  @ApiOkResponse({ type: ResidentCreditThresholds })
  @ApiErrors()
  @Get('regions/:id/credit-thresholds')
  thresholds(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.credit.getThresholds(actor, id);
  }

  @ApiOperation({ summary: "Set a region's credit thresholds" })
  @ApiOkResponse({ type: ResidentCreditThresholds })
  @ApiErrors('UNPROCESSABLE')
  @Put('regions/:id/credit-thresholds')
  @Roles('city_admin', 'street_officer')
  setThresholds(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: CreditThresholdsDto) {
    return this.credit.setThresholds(actor, id, body);
  }

  @ApiOperation({ summary: "Remove a region's own thresholds (the inherited ones apply)" })
  @ApiOkResponse({ type: ResidentCreditThresholds })
  @ApiErrors()
  @Delete('regions/:id/credit-thresholds')
  @Roles('city_admin', 'street_officer')
  clearThresholds(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.credit.clearThresholds(actor, id);
  }
}
