import { Body, Controller, Get, HttpCode, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { CurrentActor, IdParam, Roles } from '../common/decorators';
import { DisputesService } from './disputes.service';
import {
  AllowanceDto,
  BundleQuery,
  DisputesQuery,
  OfflineBatchDto,
  OrganizationQuery,
  ResolveDisputeDto,
} from './dto/redemption.dto';
import { OfflineSyncService } from './offline-sync.service';
import { DISPUTE_ROLES, SCANNER_ROLES } from './scanner-access.service';

/** Scanning without a network: the bundle, the batch upload, allowances and the disputes it raises. */
@ApiTags('redemption')
@ApiBearerAuth()
@Controller('redemptions')
export class OfflineRedemptionController {
  constructor(
    private readonly offline: OfflineSyncService,
    private readonly disputes: DisputesService,
  ) {}

  @Get('offline-bundle')
  @Roles(...SCANNER_ROLES)
  bundle(@CurrentActor() actor: Actor, @Query() q: BundleQuery) {
    return this.offline.bundle(actor, q);
  }

  @Post('offline-batch')
  @HttpCode(200)
  @Roles(...SCANNER_ROLES)
  batch(@CurrentActor() actor: Actor, @Body() body: OfflineBatchDto) {
    return this.offline.batch(actor, body);
  }

  @Get('offline-allowance')
  @Roles(...SCANNER_ROLES, 'city_admin')
  allowance(@CurrentActor() actor: Actor, @Query() q: OrganizationQuery) {
    return this.offline.getAllowance(actor, q.organizationId);
  }

  @Put('offline-allowance')
  @Roles(...SCANNER_ROLES, 'city_admin')
  setAllowance(@CurrentActor() actor: Actor, @Body() body: AllowanceDto) {
    return this.offline.setAllowance(actor, body);
  }

  @Get('disputes')
  @Roles(...DISPUTE_ROLES)
  listDisputes(@CurrentActor() actor: Actor, @Query() q: DisputesQuery) {
    return this.disputes.list(actor, q);
  }

  @Post('disputes/:id/resolve')
  @HttpCode(200)
  @Roles(...DISPUTE_ROLES)
  resolve(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: ResolveDisputeDto) {
    return this.disputes.resolve(actor, id, body);
  }
}
