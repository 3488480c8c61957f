import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { ApiIdempotencyKey, CurrentActor, IdempotencyKey, IdParam, Roles } from '../common/decorators';
import { AwardsService } from './awards.service';
import { DeclarationsService } from './declarations.service';
import {
  CreateAwardDto,
  CreateDeclarationDto,
  DeclarationsQuery,
  RejectDeclarationDto,
} from './dto/earning.dto';
import { AWARDING_ROLES, REVIEWING_ROLES } from './earning-roles';
import { ApiErrors } from '../common/openapi';
import { Award, Declaration, DeclarationPage } from './dto/earning.views';

@ApiTags('earning')
@ApiBearerAuth()
@Controller()
export class AwardsController {
  constructor(
    private readonly awards: AwardsService,
    private readonly declarations: DeclarationsService,
  ) {}

  @ApiOperation({ summary: 'Award (or deduct) points to a resident at once, by a rule of their book' })
  @ApiCreatedResponse({ type: Award })
  @ApiErrors(
    'SELF_SERVICE_FORBIDDEN',
    'RULE_NOT_USABLE',
    'NOT_FOUND',
    'IDEMPOTENCY_KEY_REUSED',
    'INSUFFICIENT_POINTS',
  )
  @Post('awards')
  @Roles(...AWARDING_ROLES)
  @ApiIdempotencyKey()
  award(@CurrentActor() actor: Actor, @Body() body: CreateAwardDto, @IdempotencyKey() key?: string) {
    return this.awards.award(actor, body, key);
  }

  @ApiOperation({ summary: 'One award with its ledger transfer' })
  @ApiOkResponse({ type: Award })
  @ApiErrors()
  @Get('awards/:id')
  getAward(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.awards.get(actor, id);
  }

  @ApiOperation({ summary: 'Declare a good deed for review (a resident, or a grid worker on their behalf)' })
  @ApiCreatedResponse({ type: Declaration })
  @ApiErrors('RULE_NOT_USABLE', 'NOT_FOUND', 'IDEMPOTENCY_KEY_REUSED')
  @Post('declarations')
  @Roles('resident', 'grid_worker')
  @ApiIdempotencyKey()
  declare(@CurrentActor() actor: Actor, @Body() body: CreateDeclarationDto, @IdempotencyKey() key?: string) {
    return this.declarations.declare(actor, body, key);
  }

  @ApiOperation({ summary: 'A page of declarations (residents: their own; staff: their scope)' })
  @ApiOkResponse({ type: DeclarationPage })
  @ApiErrors('NOT_FOUND')
  @Get('declarations')
  list(@CurrentActor() actor: Actor, @Query() q: DeclarationsQuery) {
    return this.declarations.list(actor, q);
  }

  @ApiOperation({ summary: 'One declaration' })
  @ApiOkResponse({ type: Declaration })
  @ApiErrors()
  @Get('declarations/:id')
  get(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.declarations.get(actor, id);
  }

  @ApiOperation({ summary: 'Approve a declaration: posts its points once' })
  @ApiOkResponse({ type: Declaration })
  @ApiErrors('ALREADY_REVIEWED', 'SELF_SERVICE_FORBIDDEN', 'RULE_NOT_USABLE')
  @Post('declarations/:id/approve')
  @Roles(...REVIEWING_ROLES)
  @HttpCode(200)
  approve(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.declarations.approve(actor, id);
  }

  @ApiOperation({ summary: 'Reject a declaration with a reason' })
  @ApiOkResponse({ type: Declaration })
  @ApiErrors('ALREADY_REVIEWED', 'SELF_SERVICE_FORBIDDEN')
  @Post('declarations/:id/reject')
  @Roles(...REVIEWING_ROLES)
  @HttpCode(200)
  reject(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: RejectDeclarationDto) {
    return this.declarations.reject(actor, id, body.reason);
  }
}
