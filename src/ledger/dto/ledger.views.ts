import { ApiProperty } from '@nestjs/swagger';

/** What the ledger routes answer, as the OpenAPI document describes it. */

export class Wallet {
  @ApiProperty({ type: 'integer' })
  available: number;

  @ApiProperty({ type: 'integer' })
  held: number;

  @ApiProperty({ type: 'integer' })
  balance: number;
}

export class TransactionPage {
  @ApiProperty({ type: () => TransactionLine, isArray: true })
  items: TransactionLine[];

  @ApiProperty({ type: 'string', nullable: true })
  nextCursor: string | null;
}

export class LedgerAudit {
  @ApiProperty({ type: 'boolean' })
  ok: boolean;

  @ApiProperty({ type: 'string', format: 'date-time' })
  checkedAt: string;

  @ApiProperty({ type: 'integer' })
  accounts: number;

  @ApiProperty({ type: 'integer' })
  transfers: number;

  @ApiProperty({
    description: 'accounts and transfers of each ledger (POINTS, CNY_FEN, TIME_MINUTES)',
    type: 'object',
    additionalProperties: {
      type: 'object',
      properties: { accounts: { type: 'integer' }, transfers: { type: 'integer' } },
    },
  })
  ledgers: Record<string, { accounts: number; transfers: number }>;

  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } })
  violations: Array<Record<string, unknown>>;
}

export class TransactionLine {
  @ApiProperty({ type: 'string', format: 'uuid' })
  id: string;

  @ApiProperty({ type: 'string' })
  code: string;

  @ApiProperty({ type: 'string' })
  phase: string;

  @ApiProperty({ type: 'integer' })
  amount: number;

  @ApiProperty({ type: 'string', format: 'uuid', nullable: true })
  pendingId: string | null;

  @ApiProperty({ type: 'string', nullable: true })
  refType: string | null;

  @ApiProperty({ type: 'string', format: 'uuid', nullable: true })
  refId: string | null;

  @ApiProperty({ type: 'string', format: 'date-time' })
  createdAt: string;
}
