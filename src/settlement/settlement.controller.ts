import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { CurrentActor, Roles } from '../common/decorators';
import { ApiErrors } from '../common/openapi';
import { CloseSettlementDto, SettlementQuery } from './dto/settlement.dto';
import { SettlementStatement } from './dto/settlement.views';
import { SettlementService } from './settlement.service';

@ApiTags('settlement')
@ApiBearerAuth()
@Controller()
export class SettlementController {
  constructor(private readonly settlement: SettlementService) {}

  @ApiOperation({
    summary:
      'A month’s city-wide settlement (通兑): what paying communities owe providers based elsewhere, per line',
  })
  @ApiOkResponse({ type: SettlementStatement })
  @ApiErrors('NOT_FOUND')
  @Get('settlements')
  @Roles(
    'street_officer',
    'city_admin',
    'community_admin',
    'merchant_staff',
    'hospital_staff',
    'canteen_staff',
  )
  statement(@CurrentActor() actor: Actor, @Query() q: SettlementQuery) {
    return this.settlement.statement(actor, q);
  }

  @ApiOperation({
    summary:
      'Close an ended month for a region: freeze its lines and pay each from the paying community’s fund (idempotent)',
  })
  @ApiOkResponse({ type: SettlementStatement })
  @ApiErrors('NOT_FOUND', 'PERIOD_NOT_ENDED')
  @Post('settlements/close')
  @HttpCode(200)
  @Roles('street_officer', 'city_admin')
  close(@CurrentActor() actor: Actor, @Body() body: CloseSettlementDto) {
    return this.settlement.close(actor, body);
  }
}
