import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean } from 'class-validator';
import type { Actor } from '../common/actor';
import { CurrentActor, IdParam } from '../common/decorators';
import { PageQuery } from '../common/pagination';
import { NotificationsService } from './notifications.service';
import { IsOptional } from '../common/validation';
import { ApiErrors } from '../common/openapi';
import { NotificationPage } from './dto/notifications.views';

export class NotificationsQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  unread?: boolean;
}

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('me/notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @ApiOperation({ summary: "The caller's notifications, newest first" })
  @ApiOkResponse({ type: NotificationPage })
  @ApiErrors()
  @Get()
  list(@CurrentActor() actor: Actor, @Query() q: NotificationsQuery) {
    return this.notifications.list(actor, q);
  }

  @ApiOperation({ summary: 'Mark a notification read' })
  @ApiNoContentResponse({ description: 'done' })
  @ApiErrors()
  @Post(':id/read')
  @HttpCode(204)
  markRead(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.notifications.markRead(actor, id);
  }
}
