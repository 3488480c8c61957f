import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { CurrentActor, IdParam, Roles } from '../common/decorators';
import { CreateRuleDto, ImportRulesDto, RuleTreeQuery, UpdateRuleDto } from './dto/earning.dto';
import { PointRulesService } from './point-rules.service';

@ApiTags('earning')
@ApiBearerAuth()
@Controller()
export class PointRulesController {
  constructor(private readonly rules: PointRulesService) {}

  @Get('communities/:id/point-rules')
  tree(@CurrentActor() actor: Actor, @IdParam() id: string, @Query() q: RuleTreeQuery) {
    return this.rules.tree(actor, id, q);
  }

  @Post('communities/:id/point-rules')
  @Roles('community_admin')
  create(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: CreateRuleDto) {
    return this.rules.create(actor, id, body);
  }

  @Post('communities/:id/point-rules/import')
  @Roles('community_admin')
  import(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: ImportRulesDto) {
    return this.rules.import(actor, id, body);
  }

  @Get('point-rules/:id')
  get(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.rules.get(actor, id);
  }

  @Patch('point-rules/:id')
  @Roles('community_admin')
  update(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: UpdateRuleDto) {
    return this.rules.update(actor, id, body);
  }

  @Post('point-rules/:id/retire')
  @Roles('community_admin')
  @HttpCode(200)
  retire(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.rules.retire(actor, id);
  }
}
