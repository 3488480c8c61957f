import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { IsOptional } from '../../common/validation';

export class TransactionsQuery extends PageQuery {
  @ApiPropertyOptional({
    description: 'only lines of this code (award, deduction, base_grant, order_hold, ...)',
  })
  @IsOptional()
  @IsIn([
    'award',
    'deduction',
    'deduction_reversal',
    'base_grant',
    'order_hold',
    'redeem',
    'release',
    'expiry',
  ])
  code?: string;
}

export interface TransactionLine {
  id: string;
  code: string;
  phase: string;
  /** Signed from the wallet's point of view: credits positive, debits negative. */
  amount: number;
  pendingId: string | null;
  refType: string | null;
  refId: string | null;
  createdAt: Date;
}
