import { Body, Controller, Delete, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { CurrentActor, IdParam, Roles } from '../common/decorators';
import { PolicyParams, PutPolicyDto } from './dto/entitlements.dto';
import { PoliciesService } from './policies.service';
import { ApiErrors } from '../common/openapi';
import { EffectivePolicy, EntitlementPolicies } from './dto/entitlements.views';

@ApiTags('entitlements')
@ApiBearerAuth()
@Controller('regions/:id/entitlement-policies')
export class EntitlementPoliciesController {
  constructor(private readonly policies: PoliciesService) {}

  @ApiOperation({ summary: 'The entitlement policy of every kind in force for a region' })
  @ApiOkResponse({ type: EntitlementPolicies })
  @ApiErrors()
  @Get()
  list(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.policies.list(actor, id);
  }

  @ApiOperation({ summary: "Set a region's policy for one entitlement kind" })
  @ApiOkResponse({ type: EffectivePolicy })
  @ApiErrors('UNPROCESSABLE')
  @Put(':kind')
  @Roles('city_admin', 'street_officer')
  put(@CurrentActor() actor: Actor, @Param() params: PolicyParams, @Body() body: PutPolicyDto) {
    return this.policies.put(actor, params.id, params.kind, body);
  }

  @ApiOperation({ summary: "Remove a region's own policy (the inherited one applies)" })
  @ApiOkResponse({ type: EffectivePolicy })
  @ApiErrors()
  @Delete(':kind')
  @Roles('city_admin', 'street_officer')
  clear(@CurrentActor() actor: Actor, @Param() params: PolicyParams) {
    return this.policies.clear(actor, params.id, params.kind);
  }
}
