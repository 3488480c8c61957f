import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { LedgerAuditQueries } from './ledger-audit.queries';
import { AuditReport } from './ledger.types';

/**
 * Checks the ledger's invariants with plain SQL (the same queries an outside auditor would run):
 * 1. per ledger, total debits equal total credits, pending and posted;
 * 2. each account's four columns equal the sums of its transfers;
 * 3. no limited account below zero: for `debits_must_not_exceed_credits`, the debits that were
 *    subject to the limit (all but exempt deductions) never exceed the posted credits;
 * 4. every pending transfer is resolved at most once, by a post of at most its amount or a void of
 *    exactly its amount, on the same accounts;
 * 5. every transfer joins two accounts of its own ledger;
 * 6. every account and transfer belongs to a known ledger (`LEDGERS`: POINTS, CNY_FEN, TIME_MINUTES).
 * The report counts each ledger's accounts and transfers, so a reader sees which ledgers it covered.
 */
@Injectable()
export class LedgerAuditService {
  private readonly queries: LedgerAuditQueries;

  constructor(@InjectDataSource() db: DataSource) {
    this.queries = new LedgerAuditQueries(db);
  }

  /**
   * Audits the whole ledger, or only the given accounts (and the transfers touching them) when a
   * scope is given: a closed set of accounts must balance on its own.
   */
  async run(scope?: { accountIds: string[] }): Promise<AuditReport> {
    const ids = scope?.accountIds.length ? scope.accountIds : null;
    const violations = await this.queries.violations(ids);
    const { accounts, transfers } = await this.queries.counts(ids);
    return {
      ok: violations.length === 0,
      checkedAt: new Date().toISOString(),
      accounts,
      transfers,
      ledgers: await this.queries.countsByLedger(ids),
      violations,
    };
  }
}
