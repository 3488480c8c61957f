import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintNumber, CreatedAt, IdColumn } from '../../database/columns';
import type { LedgerName, Phase } from '../ledger.types';

/** Append-only: nothing is updated or deleted; mistakes are corrected by new transfers. */
@Entity('transfers')
@Index('idx_transfers_debit', ['debitAccountId', 'createdAt'])
@Index('idx_transfers_credit', ['creditAccountId', 'createdAt'])
@Index('idx_transfers_ref', ['refType', 'refId'])
@Index('idx_transfers_code', ['ledger', 'code', 'createdAt'])
export class TransferEntity {
  @PrimaryColumn({ type: 'char', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 16 })
  ledger: LedgerName;

  @IdColumn('debit_account_id')
  debitAccountId: string;

  @IdColumn('credit_account_id')
  creditAccountId: string;

  @Column({ type: 'bigint', transformer: bigintNumber })
  amount: number;

  @Column({ type: 'varchar', length: 8 })
  phase: Phase;

  @Index('uq_transfers_pending', { unique: true })
  @IdColumn('pending_id', { nullable: true })
  pendingId: string | null;

  @Column({ type: 'varchar', length: 32 })
  code: string;

  @Column({ name: 'ref_type', type: 'varchar', length: 32, nullable: true })
  refType: string | null;

  @Column({ name: 'ref_id', type: 'varchar', length: 64, nullable: true })
  refId: string | null;

  @Column({ type: 'boolean', default: false })
  exempt: boolean;

  @CreatedAt()
  createdAt: Date;
}
