import { ApiProperty } from '@nestjs/swagger';

/** What the notifications routes answer, as the OpenAPI document describes it. */

export class NotificationPage {
  @ApiProperty({ type: () => Notification, isArray: true })
  items: Notification[];

  @ApiProperty({ type: 'string', nullable: true })
  nextCursor: string | null;
}

export class Notification {
  @ApiProperty({ type: 'string', format: 'uuid' })
  id: string;

  @ApiProperty({ type: 'string' })
  kind: string;

  @ApiProperty({ type: 'string' })
  title: string;

  @ApiProperty({ type: 'string' })
  body: string;

  @ApiProperty({ type: 'string', nullable: true })
  refType: string | null;

  @ApiProperty({ type: 'string', format: 'uuid', nullable: true })
  refId: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  readAt: string | null;

  @ApiProperty({ type: 'string', format: 'date-time' })
  createdAt: string;
}
