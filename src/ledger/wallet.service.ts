import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Actor } from '../common/actor';
import { decodeCursor, TIME_ID, Page, pageLimit, toPage } from '../common/pagination';
import { TransactionLine, TransactionsQuery } from './dto/ledger.dto';
import { walletSpec } from './ledger-rules';
import { LedgerService } from './ledger.service';
import { TransfersRepository } from './transfers.repository';

/** A resident's view of their points: balance and ledger lines. */
@Injectable()
export class WalletService {
  constructor(
    private readonly ledger: LedgerService,
    private readonly transfers: TransfersRepository,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  wallet(actor: Actor) {
    return this.ledger.walletBalance(actor.id);
  }

  async transactions(actor: Actor, q: TransactionsQuery): Promise<Page<TransactionLine>> {
    const accountId = await this.ledger.accountIn(this.db.manager, walletSpec(actor.id));
    if (!accountId) return { items: [], nextCursor: null };
    const limit = pageLimit(q);
    const rows = await this.transfers.ofAccount(this.db.manager, {
      accountId,
      code: q.code,
      cursor: decodeCursor(q.cursor, TIME_ID),
      limit: limit + 1,
    });
    const lines: TransactionLine[] = rows.map((t) => ({
      id: t.id,
      code: t.code,
      phase: t.phase,
      amount: t.creditAccountId === accountId ? t.amount : -t.amount,
      pendingId: t.pendingId,
      refType: t.refType,
      refId: t.refId,
      createdAt: t.createdAt,
    }));
    return toPage(lines, limit, (l) => [new Date(l.createdAt).toISOString(), l.id]);
  }
}
