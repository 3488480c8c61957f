import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintNumber, CreatedAt } from '../../database/columns';
import type { AccountKind, LedgerName, OwnerType } from '../ledger.types';

@Entity('accounts')
@Index('uq_accounts_owner', ['ledger', 'kind', 'ownerType', 'ownerId', 'sub'], { unique: true })
@Index('idx_accounts_owner', ['ownerType', 'ownerId'])
export class AccountEntity {
  @PrimaryColumn({ type: 'char', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 16 })
  ledger: LedgerName;

  @Column({ type: 'varchar', length: 32 })
  kind: AccountKind;

  @Column({ name: 'owner_type', type: 'varchar', length: 16 })
  ownerType: OwnerType;

  @Column({ name: 'owner_id', type: 'varchar', length: 64 })
  ownerId: string;

  @Column({ type: 'varchar', length: 64, default: '' })
  sub: string;

  @Column({ type: 'int', default: 0 })
  flags: number;

  @Column({ name: 'debits_pending', type: 'bigint', default: 0, transformer: bigintNumber })
  debitsPending: number;

  @Column({ name: 'debits_posted', type: 'bigint', default: 0, transformer: bigintNumber })
  debitsPosted: number;

  @Column({ name: 'credits_pending', type: 'bigint', default: 0, transformer: bigintNumber })
  creditsPending: number;

  @Column({ name: 'credits_posted', type: 'bigint', default: 0, transformer: bigintNumber })
  creditsPosted: number;

  @CreatedAt()
  createdAt: Date;
}
