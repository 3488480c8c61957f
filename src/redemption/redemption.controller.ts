import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { ApiIdempotencyKey, CurrentActor, IdempotencyKey, Roles } from '../common/decorators';
import {
  RedeemDto,
  RedemptionsQuery,
  RotateKeyDto,
  SettlementQuery,
  VerifyQuery,
} from './dto/redemption.dto';
import { ScanHistoryQuery, ScanHistoryView } from './dto/scan-history.dto';
import { RedemptionReportsService } from './redemption-reports.service';
import { RedemptionService } from './redemption.service';
import { ScanHistoryService } from './scan-history.service';
import { SCANNER_ROLES } from './scanner-access.service';
import { ApiErrors } from '../common/openapi';
import {
  RedemptionPage,
  RedemptionResult,
  Settlement,
  SigningKey,
  VoucherCheck,
} from './dto/redemption.views';

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
  @ApiErrors()
  scans(@CurrentActor() actor: Actor, @Query() q: ScanHistoryQuery): Promise<ScanHistoryView> {
    return this.history.day(actor, q);
  }

  @ApiOperation({ summary: 'Check a voucher code without redeeming it' })
  @ApiOkResponse({ type: VoucherCheck })
  @ApiErrors('INVALID_CODE', 'WRONG_ORGANIZATION', 'NOT_FOUND', 'SELF_SERVICE_FORBIDDEN')
  @Get('verify')
  @Roles(...SCANNER_ROLES)
  verify(@CurrentActor() actor: Actor, @Query() q: VerifyQuery) {
    return this.redemptions.verify(actor, q.code);
  }

  @ApiOperation({ summary: 'Redeem a voucher at the counter: captures the held points' })
  @ApiOkResponse({ type: RedemptionResult })
  @ApiErrors(
    'ALREADY_REDEEMED',
    'VOUCHER_NOT_READY',
    'VOUCHER_EXPIRED',
    'VOUCHER_CANCELLED',
    'WRONG_ORGANIZATION',
    'INVALID_CODE',
    'NOT_FOUND',
    'IDEMPOTENCY_KEY_REUSED',
    'SELF_SERVICE_FORBIDDEN',
  )
  @Post()
  @HttpCode(200)
  @Roles(...SCANNER_ROLES)
  @ApiIdempotencyKey()
  redeem(@CurrentActor() actor: Actor, @Body() body: RedeemDto, @IdempotencyKey() key?: string) {
    return this.redemptions.redeem(actor, body, key);
  }

  @ApiOperation({ summary: "The organisation's redemptions" })
  @ApiOkResponse({ type: RedemptionPage })
  @ApiErrors('NOT_FOUND')
  @Get()
  @Roles(...SCANNER_ROLES)
  list(@CurrentActor() actor: Actor, @Query() q: RedemptionsQuery) {
    return this.reports.list(actor, q);
  }

  @ApiOperation({ summary: 'Points captured per listing and local day, from the ledger' })
  @ApiOkResponse({ type: Settlement })
  @ApiErrors('NOT_FOUND')
  @Get('settlement')
  @Roles(...SCANNER_ROLES)
  settlement(@CurrentActor() actor: Actor, @Query() q: SettlementQuery) {
    return this.reports.settlement(actor, q);
  }

  @ApiOperation({ summary: 'The signing keys of vouchers and passes' })
  @ApiOkResponse({ type: SigningKey, isArray: true })
  @ApiErrors()
  @Get('keys')
  @Roles(...SCANNER_ROLES, 'city_admin', 'street_officer')
  keys(@CurrentActor() actor: Actor) {
    return this.redemptions.listKeys(actor);
  }

  @ApiCreatedResponse({ type: SigningKey, isArray: true })
  @ApiErrors()
  @Post('keys/rotate')
  @Roles('city_admin')
  @ApiOperation({
    summary: "Rotate a city's signing key (city admin: their city; platform admin: the city named in cityId)",
  })
  rotate(@CurrentActor() actor: Actor, @Body() body: RotateKeyDto) {
    return this.redemptions.rotateKey(actor, body);
  }

  @ApiOperation({ summary: 'Revoke a signing key: its codes stop verifying at once' })
  @ApiOkResponse({ type: SigningKey, isArray: true })
  @ApiErrors('INVALID_STATE')
  @Post('keys/:kid/revoke')
  @HttpCode(200)
  @Roles('city_admin')
  revoke(@CurrentActor() actor: Actor, @Param('kid') kid: string) {
    return this.redemptions.revokeKey(actor, kid);
  }
}
