import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { TransactionService } from '../database/transaction.service';
import { ResidentDirectory } from '../identity/resident-directory.queries';
import { EarningLedgerQueries } from '../ledger/earning.queries';
import { LedgerService } from '../ledger/ledger.service';
import { PointsExpiryLedgerQueries } from '../ledger/points-expiry.queries';
import { SchedulerService } from '../jobs/scheduler.service';
import { NotificationsService } from '../notifications/notifications.service';
import { yearRange } from './earning-period';
import { chinaDate, expirable, noticeDue } from './points-expiry-rules';
import { expiryTransferId } from './points-expiry.service';
import { StandingsRepository } from './standings.repository';

export const POINTS_EXPIRY_NOTICE_KIND = 'points_expiring';
const DAILY_MS = 24 * 3_600_000;
const BATCH = 500;

/**
 * Tells residents, once per cut year, that points of theirs expire within 30 days (a daily check
 * in the worker roles). Safe in several workers at once: a notification is unique per user, kind
 * and subject (the cut year), so a second check notifies nobody twice.
 */
@Injectable()
export class PointsExpiryNotices implements OnModuleInit {
  constructor(
    private readonly scheduler: SchedulerService,
    private readonly tx: TransactionService,
    private readonly settings: StandingsRepository,
    private readonly residents: ResidentDirectory,
    private readonly wallets: EarningLedgerQueries,
    private readonly ledgerQueries: PointsExpiryLedgerQueries,
    private readonly ledger: LedgerService,
    private readonly notifications: NotificationsService,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  onModuleInit(): void {
    this.scheduler.every('points.expiry_notice', DAILY_MS, () => this.notifyDue(new Date()));
  }

  /** Notifies every resident whose points expire at the next year end, when it is 30 days away or less. */
  async notifyDue(now: Date): Promise<number> {
    let notified = 0;
    for (const c of await this.settings.expiringCommunities()) {
      const due = noticeDue(now, c.validYears);
      if (!due) continue;
      let after = '';
      for (;;) {
        const ids = await this.residents.idsAfter(this.db.manager, c.communityId, after, BATCH);
        notified += await this.notifyBatch(ids, due.cutYear, due.expiresAt);
        if (ids.length < BATCH) break;
        after = ids.at(-1)!;
      }
    }
    return notified;
  }

  private async notifyBatch(residentIds: string[], cutYear: number, expiresAt: Date): Promise<number> {
    if (!residentIds.length) return 0;
    return this.tx.run(async (tx) => {
      const wallets = await this.wallets.walletIdsOf(tx, residentIds);
      const walletIds = [...wallets.values()];
      const debits = await this.ledgerQueries.debitsOf(tx, walletIds);
      const credited = await this.ledgerQueries.creditsBefore(tx, walletIds, yearRange(cutYear).to);
      const expired = await this.ledgerQueries.recorded(
        tx,
        [...wallets.keys()].map((r) => expiryTransferId(this.ledger, r, cutYear)),
      );
      let n = 0;
      for (const [residentId, walletId] of wallets) {
        if (expired.has(expiryTransferId(this.ledger, residentId, cutYear))) continue;
        const d = debits.get(walletId) ?? { posted: 0, pending: 0 };
        const points = expirable(credited.get(walletId) ?? 0, d.posted, d.pending);
        if (!points) continue;
        await this.notifications.notify(tx, {
          userId: residentId,
          kind: POINTS_EXPIRY_NOTICE_KIND,
          title: '积分即将过期',
          body: `您有 ${points} 积分（${cutYear} 年及以前获得）将于 ${chinaDate(expiresAt)} 过期，请在此之前使用。`,
          refType: 'points_expiry',
          refId: String(cutYear),
        });
        n++;
      }
      return n;
    });
  }
}
