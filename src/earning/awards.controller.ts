import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
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

@ApiTags('earning')
@ApiBearerAuth()
@Controller()
export class AwardsController {
  constructor(
    private readonly awards: AwardsService,
    private readonly declarations: DeclarationsService,
  ) {}

  @Post('awards')
  @Roles(...AWARDING_ROLES)
  @ApiIdempotencyKey()
  award(@CurrentActor() actor: Actor, @Body() body: CreateAwardDto, @IdempotencyKey() key?: string) {
    return this.awards.award(actor, body, key);
  }

  @Get('awards/:id')
  getAward(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.awards.get(actor, id);
  }

  @Post('declarations')
  @Roles('resident', 'grid_worker')
  @ApiIdempotencyKey()
  declare(@CurrentActor() actor: Actor, @Body() body: CreateDeclarationDto, @IdempotencyKey() key?: string) {
    return this.declarations.declare(actor, body, key);
  }

  @Get('declarations')
  list(@CurrentActor() actor: Actor, @Query() q: DeclarationsQuery) {
    return this.declarations.list(actor, q);
  }

  @Get('declarations/:id')
  get(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.declarations.get(actor, id);
  }

  @Post('declarations/:id/approve')
  @Roles(...REVIEWING_ROLES)
  @HttpCode(200)
  approve(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.declarations.approve(actor, id);
  }

  @Post('declarations/:id/reject')
  @Roles(...REVIEWING_ROLES)
  @HttpCode(200)
  reject(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: RejectDeclarationDto) {
    return this.declarations.reject(actor, id, body.reason);
  }
}
