import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** What the settlement routes answer, as the OpenAPI document describes it. */

export class SettlementLine {
  @ApiProperty({ type: 'string', format: 'uuid' })
  payerCommunityId: string;

  @ApiProperty({ type: 'string' })
  payerCommunityName: string;

  @ApiProperty({ type: 'string', format: 'uuid' })
  providerOrganizationId: string;

  @ApiProperty({ type: 'string' })
  providerOrganizationName: string;

  @ApiProperty({
    type: 'integer',
    description: 'points the payer’s residents redeemed at the provider in the month',
  })
  points: number;

  @ApiProperty({ type: 'integer', description: 'the payer’s fen per point (frozen at the close)' })
  pointValueFen: number;

  @ApiProperty({ type: 'integer', description: 'points × pointValueFen' })
  amountFen: number;

  @ApiProperty({ type: 'string', enum: ['open', 'paid', 'unpaid'] })
  status: 'open' | 'paid' | 'unpaid';

  @ApiPropertyOptional({
    type: 'string',
    example: 'INSUFFICIENT_FUNDS',
    description: 'why an unpaid line was not paid',
  })
  code?: string;

  @ApiPropertyOptional({ type: 'string', format: 'uuid', description: 'the CNY_FEN transfer of a paid line' })
  transferId?: string;
}

export class SettlementTotals {
  @ApiProperty({ type: 'integer' })
  points: number;

  @ApiProperty({ type: 'integer' })
  amountFen: number;

  @ApiProperty({ type: 'integer' })
  paidFen: number;

  @ApiProperty({ type: 'integer' })
  unpaidFen: number;
}

export class SettlementStatement {
  @ApiProperty({ type: 'string', example: '2026-11' })
  period: string;

  @ApiProperty({ type: 'string', format: 'uuid' })
  regionId: string;

  @ApiProperty({ type: 'string', enum: ['open', 'closed'] })
  status: 'open' | 'closed';

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  closedAt: Date | null;

  @ApiProperty({ type: () => SettlementLine, isArray: true })
  lines: SettlementLine[];

  @ApiProperty({ type: () => SettlementTotals })
  totals: SettlementTotals;
}
