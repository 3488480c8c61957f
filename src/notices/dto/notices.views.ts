import { ApiProperty } from '@nestjs/swagger';
import { NOTICE_KINDS } from '../notice-chain';

export class Notice {
  @ApiProperty({ description: '1, 2, ... in the community’s log' })
  seq: number;

  @ApiProperty({ enum: NOTICE_KINDS })
  kind: string;

  @ApiProperty({ example: '张*红 因「毁绿种菜」扣 3 分' })
  summary: string;

  @ApiProperty({ example: 'award' })
  refType: string;

  @ApiProperty()
  refId: string;

  @ApiProperty({ type: 'string', format: 'date-time' })
  createdAt: Date;

  @ApiProperty({ description: 'hash of the previous notice (64 zeros for the first)' })
  prevHash: string;

  @ApiProperty({ description: 'sha256(prevHash + canonical JSON of the notice), hex' })
  hash: string;

  @ApiProperty({ type: 'string', format: 'date-time', description: 'end of the 7-day display period' })
  displayUntil: Date;
}

export class NoticePage {
  @ApiProperty({ type: () => Notice, isArray: true })
  items: Notice[];

  @ApiProperty({ type: 'string', nullable: true })
  nextCursor: string | null;
}

export class NoticeVerification {
  @ApiProperty()
  ok: boolean;

  @ApiProperty({ description: 'notices in the chain (its recorded head)' })
  length: number;

  @ApiProperty({ description: 'the recorded head hash' })
  head: string;

  @ApiProperty({ required: false, description: 'the first notice that does not fit the chain' })
  firstBrokenSeq?: number;
}

export class NoticeObjection {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  communityId: string;

  @ApiProperty()
  seq: number;

  @ApiProperty({ format: 'uuid' })
  residentId: string;

  @ApiProperty()
  reason: string;

  @ApiProperty({ type: 'string', format: 'date-time' })
  createdAt: Date;
}

export class NoticeObjectionPage {
  @ApiProperty({ type: () => NoticeObjection, isArray: true })
  items: NoticeObjection[];

  @ApiProperty({ type: 'string', nullable: true })
  nextCursor: string | null;
}
