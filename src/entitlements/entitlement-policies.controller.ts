import { Body, Controller, Delete, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { CurrentActor, IdParam, Roles } from '../common/decorators';
import { PolicyParams, PutPolicyDto } from './dto/entitlements.dto';
import { PoliciesService } from './policies.service';

@ApiTags('entitlements')
@ApiBearerAuth()
@Controller('regions/:id/entitlement-policies')
export class EntitlementPoliciesController {
  constructor(private readonly policies: PoliciesService) {}

  @Get()
  list(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.policies.list(actor, id);
  }

  @Put(':kind')
  @Roles('city_admin', 'street_officer')
  put(@CurrentActor() actor: Actor, @Param() params: PolicyParams, @Body() body: PutPolicyDto) {
    return this.policies.put(actor, params.id, params.kind, body);
  }

  @Delete(':kind')
  @Roles('city_admin', 'street_officer')
  clear(@CurrentActor() actor: Actor, @Param() params: PolicyParams) {
    return this.policies.clear(actor, params.id, params.kind);
  }
}
