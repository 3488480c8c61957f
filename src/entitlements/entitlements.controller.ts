import { Body, Controller, Get, Header, HttpCode, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { ApiIdempotencyKey, CurrentActor, IdempotencyKey, IdParam, Roles } from '../common/decorators';
import { DeferredBillsService } from './deferred-bills.service';
import { RecordUseDto, SettleUseDto, UsesQuery, VerifyDto } from './dto/entitlements.dto';
import { EntitlementsService } from './entitlements.service';
import { PassesService } from './passes.service';

@ApiTags('entitlements')
@ApiBearerAuth()
@Controller()
export class EntitlementsController {
  constructor(
    private readonly passes: PassesService,
    private readonly entitlements: EntitlementsService,
    private readonly bills: DeferredBillsService,
  ) {}

  @Get('me/pass')
  @Roles('resident')
  @Header('Cache-Control', 'private, no-store')
  pass(@CurrentActor() actor: Actor) {
    return this.passes.issue(actor);
  }

  @Get('me/pass.png')
  @Roles('resident')
  @ApiProduces('image/png')
  @Header('Content-Type', 'image/png')
  @Header('Cache-Control', 'private, no-store')
  async passPng(@CurrentActor() actor: Actor) {
    return new StreamableFile(await this.passes.png(actor));
  }

  @Get('me/entitlements')
  @Roles('resident')
  mine(@CurrentActor() actor: Actor) {
    return this.entitlements.mine(actor);
  }

  @Get('entitlements/pass-keys')
  @Roles('hospital_staff', 'canteen_staff')
  passKeys(@CurrentActor() actor: Actor) {
    return this.passes.publicKeys(actor);
  }

  @Post('entitlements/verify')
  @HttpCode(200)
  @Roles('hospital_staff', 'canteen_staff')
  verify(@CurrentActor() actor: Actor, @Body() body: VerifyDto) {
    return this.entitlements.verify(actor, body);
  }

  @Post('entitlements/uses')
  @Roles('hospital_staff', 'canteen_staff')
  @ApiIdempotencyKey()
  use(@CurrentActor() actor: Actor, @Body() body: RecordUseDto, @IdempotencyKey() key?: string) {
    return this.entitlements.use(actor, body, key);
  }

  @Get('entitlements/uses')
  @Roles('hospital_staff', 'canteen_staff', 'street_officer', 'city_admin')
  list(@CurrentActor() actor: Actor, @Query() q: UsesQuery) {
    return this.bills.list(actor, q);
  }

  @Post('entitlements/uses/:id/settle')
  @HttpCode(200)
  @Roles('hospital_staff')
  settle(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: SettleUseDto) {
    return this.bills.settle(actor, id, body);
  }
}
