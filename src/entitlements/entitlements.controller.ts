import { Body, Controller, Get, Header, HttpCode, Post, Query, StreamableFile } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { ApiIdempotencyKey, CurrentActor, IdempotencyKey, IdParam, Roles } from '../common/decorators';
import { DeferredBillsService } from './deferred-bills.service';
import { RecordUseDto, SettleUseDto, UsesQuery, VerifyDto } from './dto/entitlements.dto';
import { EntitlementsService } from './entitlements.service';
import { PassesService } from './passes.service';
import { ApiErrors } from '../common/openapi';
import {
  EntitlementCheck,
  EntitlementUse,
  EntitlementUsePage,
  MyEntitlements,
  PassKeys,
  ResidentPass,
} from './dto/entitlements.views';

@ApiTags('entitlements')
@ApiBearerAuth()
@Controller()
export class EntitlementsController {
  constructor(
    private readonly passes: PassesService,
    private readonly entitlements: EntitlementsService,
    private readonly bills: DeferredBillsService,
  ) {}

  @ApiOperation({ summary: 'A short-lived signed pass to show at a hospital or canteen' })
  @ApiOkResponse({ type: ResidentPass })
  @ApiErrors()
  @Get('me/pass')
  @Roles('resident')
  @Header('Cache-Control', 'private, no-store')
  pass(@CurrentActor() actor: Actor) {
    return this.passes.issue(actor);
  }

  @ApiOperation({ summary: 'The pass as a QR image (PNG)' })
  @ApiOkResponse({ description: 'the file (image/png)', schema: { type: 'string', format: 'binary' } })
  @ApiErrors()
  @Get('me/pass.png')
  @Roles('resident')
  @ApiProduces('image/png')
  @Header('Content-Type', 'image/png')
  @Header('Cache-Control', 'private, no-store')
  async passPng(@CurrentActor() actor: Actor) {
    return new StreamableFile(await this.passes.png(actor));
  }

  @ApiOperation({ summary: 'What the resident may use now, kind by kind' })
  @ApiOkResponse({ type: MyEntitlements })
  @ApiErrors()
  @Get('me/entitlements')
  @Roles('resident')
  mine(@CurrentActor() actor: Actor) {
    return this.entitlements.mine(actor);
  }

  @ApiOperation({ summary: 'Public keys to check passes offline' })
  @ApiOkResponse({ type: PassKeys })
  @ApiErrors()
  @Get('entitlements/pass-keys')
  @Roles('hospital_staff', 'canteen_staff')
  passKeys(@CurrentActor() actor: Actor) {
    return this.passes.publicKeys(actor);
  }

  @ApiOperation({ summary: "Check a resident's pass for an entitlement (spends nothing)" })
  @ApiOkResponse({ type: EntitlementCheck })
  @ApiErrors('INVALID_CODE', 'PASS_EXPIRED', 'NOT_FOUND', 'SELF_SERVICE_FORBIDDEN')
  @Post('entitlements/verify')
  @HttpCode(200)
  @Roles('hospital_staff', 'canteen_staff')
  verify(@CurrentActor() actor: Actor, @Body() body: VerifyDto) {
    return this.entitlements.verify(actor, body);
  }

  @ApiOperation({ summary: 'Record a use of an entitlement (a meal, a waiver, a deferred bill)' })
  @ApiCreatedResponse({ type: EntitlementUse })
  @ApiErrors(
    'QUOTA_EXHAUSTED',
    'NOT_ELIGIBLE',
    'INVALID_CODE',
    'PASS_EXPIRED',
    'NOT_FOUND',
    'IDEMPOTENCY_KEY_REUSED',
    'SELF_SERVICE_FORBIDDEN',
  )
  @Post('entitlements/uses')
  @Roles('hospital_staff', 'canteen_staff')
  @ApiIdempotencyKey()
  use(@CurrentActor() actor: Actor, @Body() body: RecordUseDto, @IdempotencyKey() key?: string) {
    return this.entitlements.use(actor, body, key);
  }

  @ApiOperation({ summary: 'Uses and deferred bills, with totals of unpaid bills' })
  @ApiOkResponse({ type: EntitlementUsePage })
  @ApiErrors('NOT_FOUND')
  @Get('entitlements/uses')
  @Roles('hospital_staff', 'canteen_staff', 'street_officer', 'city_admin')
  list(@CurrentActor() actor: Actor, @Query() q: UsesQuery) {
    return this.bills.list(actor, q);
  }

  @ApiOperation({ summary: 'Mark a deferred bill paid (idempotent)' })
  @ApiOkResponse({ type: EntitlementUse })
  @ApiErrors('INVALID_STATE', 'SELF_SERVICE_FORBIDDEN')
  @Post('entitlements/uses/:id/settle')
  @HttpCode(200)
  @Roles('hospital_staff')
  settle(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: SettleUseDto) {
    return this.bills.settle(actor, id, body);
  }
}
