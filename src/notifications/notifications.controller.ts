import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean } from 'class-validator';
import type { Actor } from '../common/actor';
import { CurrentActor, IdParam } from '../common/decorators';
import { PageQuery } from '../common/pagination';
import { NotificationsService } from './notifications.service';
import { IsOptional } from '../common/validation';

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

  @Get()
  list(@CurrentActor() actor: Actor, @Query() q: NotificationsQuery) {
    return this.notifications.list(actor, q);
  }

  @Post(':id/read')
  @HttpCode(204)
  markRead(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.notifications.markRead(actor, id);
  }
}
