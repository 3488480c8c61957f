import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { CurrentActor, IdParam, IntParam, Roles } from '../common/decorators';
import { ApiErrors } from '../common/openapi';
import { NoticesQuery, ObjectionDto, ObjectionsQuery } from './dto/notices.dto';
import { NoticeObjection, NoticeObjectionPage, NoticePage, NoticeVerification } from './dto/notices.views';
import { NOTICE_STAFF_ROLES, NoticesService } from './notices.service';

/** The public notice log (公示) of a community, its verification and residents' objections. */
@ApiTags('notices')
@ApiBearerAuth()
@Controller()
export class NoticesController {
  constructor(private readonly notices: NoticesService) {}

  @ApiOperation({ summary: 'The community’s notice log, newest first (anyone in the community)' })
  @ApiOkResponse({ type: NoticePage })
  @ApiErrors()
  @Get('communities/:id/notices')
  list(@CurrentActor() actor: Actor, @IdParam() id: string, @Query() q: NoticesQuery) {
    return this.notices.list(actor, id, q);
  }

  @ApiOperation({ summary: 'Recompute the hash chain; names the first notice that does not fit' })
  @ApiOkResponse({ type: NoticeVerification })
  @ApiErrors()
  @Get('communities/:id/notices/verify')
  verify(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.notices.verify(actor, id);
  }

  @ApiOperation({ summary: 'Objections to the community’s notices, newest first (staff)' })
  @ApiOkResponse({ type: NoticeObjectionPage })
  @ApiErrors()
  @Get('communities/:id/notices/objections')
  @Roles(...NOTICE_STAFF_ROLES)
  objections(@CurrentActor() actor: Actor, @IdParam() id: string, @Query() q: ObjectionsQuery) {
    return this.notices.objections(actor, id, q);
  }

  @ApiOperation({
    summary: 'Object to a notice within its 7-day display period (a resident of the community)',
  })
  @ApiCreatedResponse({ type: NoticeObjection })
  @ApiErrors('NOT_FOUND', 'OBJECTION_WINDOW_CLOSED', 'ALREADY_EXISTS')
  @Post('notices/:seq/objections')
  @Roles('resident')
  object(
    @CurrentActor() actor: Actor,
    @IntParam('seq', 1, 2_147_483_647) seq: number,
    @Body() body: ObjectionDto,
  ) {
    return this.notices.object(actor, seq, body);
  }
}
