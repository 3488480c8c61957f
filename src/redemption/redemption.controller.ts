import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { ApiIdempotencyKey, CurrentActor, IdempotencyKey, Roles } from '../common/decorators';
import {
  RedeemDto,
  RedemptionsQuery,
  RotateKeyDto,
  SettlementQuery,
  VerifyQuery,
} from './dto/redemption.dto';
import { RedemptionReportsService } from './redemption-reports.service';
import { RedemptionService } from './redemption.service';
import { SCANNER_ROLES } from './scanner-access.service';

@ApiTags('redemption')
@ApiBearerAuth()
@Controller('redemptions')
export class RedemptionController {
  constructor(
    private readonly redemptions: RedemptionService,
    private readonly reports: RedemptionReportsService,
  ) {}

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
  keys(@CurrentActor() actor: Actor) {
    return this.redemptions.listKeys(actor);
  }

  @Post('keys/rotate')
  @Roles('city_admin')
  @ApiOperation({
    summary: "Rotate a city's signing key (city admin: their city; platform admin: the city named in cityId)",
  })
  rotate(@CurrentActor() actor: Actor, @Body() body: RotateKeyDto) {
    return this.redemptions.rotateKey(actor, body);
  }

  @Post('keys/:kid/revoke')
  @HttpCode(200)
  @Roles('city_admin')
  revoke(@CurrentActor() actor: Actor, @Param('kid') kid: string) {
    return this.redemptions.revokeKey(actor, kid);
  }
}
