import { ApiProperty } from '@nestjs/swagger';
import { APPEAL_STATUSES } from '../entities/appeal.entity';

export class Appeal {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: APPEAL_STATUSES })
  status: string;

  @ApiProperty({ format: 'uuid' })
  communityId: string;

  @ApiProperty({ format: 'uuid' })
  residentId: string;

  @ApiProperty({ type: 'string', nullable: true })
  residentName: string | null;

  @ApiProperty({ format: 'uuid', description: 'the deduction’s ledger transfer' })
  transferId: string;

  @ApiProperty({ format: 'uuid' })
  awardId: string;

  @ApiProperty({ description: 'points deducted' })
  points: number;

  @ApiProperty({ example: '毁绿种菜' })
  ruleName: string;

  @ApiProperty({ format: 'uuid', description: 'the staff member who deducted (may not decide)' })
  deductedBy: string;

  @ApiProperty()
  reason: string;

  @ApiProperty({ type: 'string', format: 'uuid', nullable: true })
  decidedBy: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  decidedAt: Date | null;

  @ApiProperty({ type: 'string', nullable: true })
  comment: string | null;

  @ApiProperty({ type: 'string', format: 'uuid', nullable: true, description: 'the compensating transfer' })
  reversalTransferId: string | null;

  @ApiProperty({ type: 'string', format: 'date-time' })
  createdAt: Date;
}

export class AppealPage {
  @ApiProperty({ type: () => Appeal, isArray: true })
  items: Appeal[];

  @ApiProperty({ type: 'string', nullable: true })
  nextCursor: string | null;
}
