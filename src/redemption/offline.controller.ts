import { Body, Controller, Get, HttpCode, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
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
import { ApiErrors } from '../common/openapi';
import {
  Dispute,
  OfflineAllowance,
  OfflineBatchResult,
  OfflineBundle,
  RedemptionPage,
} from './dto/redemption.views';

/** Scanning without a network: the bundle, the batch upload, allowances and the disputes it raises. */
@ApiTags('redemption')
@ApiBearerAuth()
@Controller('redemptions')
export class OfflineRedemptionController {
  constructor(
    private readonly offline: OfflineSyncService,
    private readonly disputes: DisputesService,
  ) {}

  @ApiOperation({ summary: 'What a scanner needs to work without a network' })
  @ApiOkResponse({ type: OfflineBundle })
  @ApiErrors('NOT_FOUND')
  @Get('offline-bundle')
  @Roles(...SCANNER_ROLES)
  bundle(@CurrentActor() actor: Actor, @Query() q: BundleQuery) {
    return this.offline.bundle(actor, q);
  }

  @ApiOperation({ summary: 'Upload scans made offline; replaying a batch changes nothing' })
  @ApiOkResponse({ type: OfflineBatchResult })
  @ApiErrors('NOT_FOUND')
  @Post('offline-batch')
  @HttpCode(200)
  @Roles(...SCANNER_ROLES)
  batch(@CurrentActor() actor: Actor, @Body() body: OfflineBatchDto) {
    return this.offline.batch(actor, body);
  }

  @ApiOperation({ summary: "An organisation's offline allowance" })
  @ApiOkResponse({ type: OfflineAllowance })
  @ApiErrors('NOT_FOUND')
  @Get('offline-allowance')
  @Roles(...SCANNER_ROLES, 'city_admin')
  allowance(@CurrentActor() actor: Actor, @Query() q: OrganizationQuery) {
    return this.offline.getAllowance(actor, q.organizationId);
  }

  @ApiOperation({ summary: "Set an organisation's offline allowance" })
  @ApiOkResponse({ type: OfflineAllowance })
  @ApiErrors('NOT_FOUND')
  @Put('offline-allowance')
  @Roles(...SCANNER_ROLES, 'city_admin')
  setAllowance(@CurrentActor() actor: Actor, @Body() body: AllowanceDto) {
    return this.offline.setAllowance(actor, body);
  }

  @ApiOperation({ summary: 'Disputes raised by offline conflicts' })
  @ApiOkResponse({ type: RedemptionPage })
  @ApiErrors()
  @Get('disputes')
  @Roles(...DISPUTE_ROLES)
  listDisputes(@CurrentActor() actor: Actor, @Query() q: DisputesQuery) {
    return this.disputes.list(actor, q);
  }

  @ApiOperation({ summary: 'Resolve a dispute, once' })
  @ApiOkResponse({ type: Dispute })
  @ApiErrors('ALREADY_RESOLVED', 'SELF_SERVICE_FORBIDDEN')
  @Post('disputes/:id/resolve')
  @HttpCode(200)
  @Roles(...DISPUTE_ROLES)
  resolve(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: ResolveDisputeDto) {
    return this.disputes.resolve(actor, id, body);
  }
}
