import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { CurrentActor, IdParam, Roles } from '../common/decorators';
import { CreateRuleDto, ImportRulesDto, RuleTreeQuery, UpdateRuleDto } from './dto/earning.dto';
import { PointRulesService } from './point-rules.service';
import { ApiErrors } from '../common/openapi';
import { PointRule, RuleBook, RuleImport } from './dto/earning.views';

@ApiTags('earning')
@ApiBearerAuth()
@Controller()
export class PointRulesController {
  constructor(private readonly rules: PointRulesService) {}

  @ApiOperation({ summary: "A community's rule book as a tree (indicators and items)" })
  @ApiOkResponse({ type: RuleBook })
  @ApiErrors()
  @Get('communities/:id/point-rules')
  tree(@CurrentActor() actor: Actor, @IdParam() id: string, @Query() q: RuleTreeQuery) {
    return this.rules.tree(actor, id, q);
  }

  @ApiOperation({ summary: 'Add an indicator or an item to the rule book' })
  @ApiCreatedResponse({ type: PointRule })
  @ApiErrors('UNPROCESSABLE')
  @Post('communities/:id/point-rules')
  @Roles('community_admin')
  create(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: CreateRuleDto) {
    return this.rules.create(actor, id, body);
  }

  @ApiOperation({ summary: 'Import a tree of rules in one go' })
  @ApiCreatedResponse({ type: RuleImport })
  @ApiErrors('UNPROCESSABLE', 'NOT_FOUND')
  @Post('communities/:id/point-rules/import')
  @Roles('community_admin')
  import(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: ImportRulesDto) {
    return this.rules.import(actor, id, body);
  }

  @ApiOperation({ summary: 'One rule of a rule book' })
  @ApiOkResponse({ type: PointRule })
  @ApiErrors()
  @Get('point-rules/:id')
  get(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.rules.get(actor, id);
  }

  @ApiOperation({ summary: 'Edit a rule (points apply to awards from now on)' })
  @ApiOkResponse({ type: PointRule })
  @ApiErrors('INVALID_STATE', 'UNPROCESSABLE')
  @Patch('point-rules/:id')
  @Roles('community_admin')
  update(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: UpdateRuleDto) {
    return this.rules.update(actor, id, body);
  }

  @ApiOperation({ summary: 'Retire a rule: it can no longer be awarded or declared' })
  @ApiOkResponse({ type: PointRule })
  @ApiErrors()
  @Post('point-rules/:id/retire')
  @Roles('community_admin')
  @HttpCode(200)
  retire(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.rules.retire(actor, id);
  }
}
