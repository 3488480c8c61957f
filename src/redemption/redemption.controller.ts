import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { ApiIdempotencyKey, CurrentActor, IdempotencyKey, Roles } from '../common/decorators';
import { RedeemDto, RedemptionsQuery, SettlementQuery, VerifyQuery } from './dto/redemption.dto';
import { ScanHistoryQuery, ScanHistoryView } from './dto/scan-history.dto';
import { RedemptionReportsService } from './redemption-reports.service';
import { RedemptionService } from './redemption.service';
import { ScanHistoryService } from './scan-history.service';
import { SCANNER_ROLES } from './scanner-access.service';

@ApiTags('redemption')
@ApiBearerAuth()
@Controller('redemptions')
export class RedemptionController {
  constructor(
    private readonly redemptions: RedemptionService,
    private readonly reports: RedemptionReportsService,
    private readonly history: ScanHistoryService,
  ) {}

  @Get('scans')
  @Roles(...SCANNER_ROLES)
  @ApiOperation({
    summary: 'A counter’s scans of one local day (default today), online and offline, newest first',
  })
  @ApiOkResponse({ type: ScanHistoryView })
  scans(@CurrentActor() actor: Actor, @Query() q: ScanHistoryQuery): Promise<ScanHistoryView> {
    return this.history.day(actor, q);
  }

  @Get('verify')
  @Roles(...SCANNER_ROLES)
  verify(@CurrentActor() actor: Actor, @Query() q: VerifyQuery) {
    return this.redemptions.verify(actor, q.code);
  }

  @Post()
  @HttpCode(200)
  @Roles(...SCANNER_ROLES)
  @ApiIdempotencyKey()
  redeem(@CurrentActor() actor: Actor, @Body() body: RedeemDto, @IdempotencyKey() key?: string) {
    return this.redemptions.redeem(actor, body, key);
  }

  @Get()
  @Roles(...SCANNER_ROLES)
  list(@CurrentActor() actor: Actor, @Query() q: RedemptionsQuery) {
    return this.reports.list(actor, q);
  }

  @Get('settlement')
  @Roles(...SCANNER_ROLES)
  settlement(@CurrentActor() actor: Actor, @Query() q: SettlementQuery) {
    return this.reports.settlement(actor, q);
  }

  @Get('keys')
  @Roles(...SCANNER_ROLES, 'city_admin', 'street_officer')
  keys() {
    return this.redemptions.listKeys();
  }

  @Post('keys/rotate')
  @Roles('city_admin')
  rotate(@CurrentActor() actor: Actor) {
    return this.redemptions.rotateKey(actor);
  }

  @Post('keys/:kid/revoke')
  @HttpCode(200)
  @Roles('city_admin')
  revoke(@CurrentActor() actor: Actor, @Param('kid') kid: string) {
    return this.redemptions.revokeKey(actor, kid);
  }
}
