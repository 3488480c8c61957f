import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Actor } from '../common/actor';
import { decodeCursor, TIME_ID, Page, pageLimit, toPage } from '../common/pagination';
import { TransactionLine, TransactionsQuery } from './dto/ledger.dto';
import { LedgerService } from './ledger.service';

/** A resident's view of their points: balance and ledger lines. */
@Injectable()
export class WalletService {
  constructor(
    private readonly ledger: LedgerService,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  wallet(actor: Actor) {
    return this.ledger.walletBalance(actor.id);
  }

  async transactions(actor: Actor, q: TransactionsQuery): Promise<Page<TransactionLine>> {
    const accountId = await this.ledger.findAccount({
      ledger: 'POINTS',
      kind: 'wallet',
      ownerType: 'user',
      ownerId: actor.id,
    });
    if (!accountId) return { items: [], nextCursor: null };
    const limit = pageLimit(q);
    const cursor = decodeCursor(q.cursor, TIME_ID);
    const where: string[] = ['(t.debit_account_id = ? OR t.credit_account_id = ?)'];
    const params: unknown[] = [accountId, accountId];
    if (q.code) {
      where.push('t.code = ?');
      params.push(q.code);
    }
    if (cursor) {
      where.push('(t.created_at < ? OR (t.created_at = ? AND t.id < ?))');
      params.push(new Date(String(cursor[0])), new Date(String(cursor[0])), cursor[1]);
    }
    const rows: Array<Record<string, any>> = await this.db.query(
      `SELECT t.id, t.code, t.phase, t.amount, t.pending_id, t.ref_type, t.ref_id, t.created_at, t.credit_account_id
         FROM transfers t WHERE ${where.join(' AND ')} ORDER BY t.created_at DESC, t.id DESC LIMIT ?`,
      [...params, limit + 1],
    );
    const lines: TransactionLine[] = rows.map((r) => ({
      id: r.id,
      code: r.code,
      phase: r.phase,
      amount: r.credit_account_id === accountId ? Number(r.amount) : -Number(r.amount),
      pendingId: r.pending_id,
      refType: r.ref_type,
      refId: r.ref_id,
      createdAt: r.created_at,
    }));
    return toPage(lines, limit, (l) => [new Date(l.createdAt).toISOString(), l.id]);
  }
}
