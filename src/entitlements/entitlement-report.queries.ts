import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** Deferred hospital bills (treat first, pay later) of a community, unpaid now. */
export interface DeferredBillsRow {
  communityId: string;
  outstanding: number;
  outstandingFen: number;
  overdue: number;
  overdueFen: number;
}

type Num = string | number | null;
const n = (v: Num | undefined): number => Number(v ?? 0);
const marks = (xs: unknown[]) => xs.map(() => '?').join(', ');
/** Overdue: marked overdue, or due and unpaid. */
const OVERDUE = "status = 'overdue' OR (due_at IS NOT NULL AND due_at <= CURRENT_TIMESTAMP(3))";

/** The entitlements module's reads for funding reports (read-only, on `tx`). */
@Injectable()
export class EntitlementReportQueries {
  /** Treat-first-pay-later uses recorded before `to` and unpaid now, by community. */
  async deferredBills(tx: EntityManager, communityIds: string[], to: Date): Promise<DeferredBillsRow[]> {
    if (!communityIds.length) return [];
    const rows: Array<{
      community_id: string;
      outstanding: Num;
      outstanding_fen: Num;
      overdue: Num;
      overdue_fen: Num;
    }> = await tx.query(
      `SELECT community_id,
              COUNT(*) AS outstanding, SUM(COALESCE(amount_fen, 0)) AS outstanding_fen,
              SUM(CASE WHEN ${OVERDUE} THEN 1 ELSE 0 END) AS overdue,
              SUM(CASE WHEN ${OVERDUE} THEN COALESCE(amount_fen, 0) ELSE 0 END) AS overdue_fen
         FROM entitlement_uses
        WHERE community_id IN (${marks(communityIds)}) AND kind = 'treat_first_pay_later'
          AND status IN ('outstanding', 'overdue') AND created_at < ?
        GROUP BY community_id`,
      [...communityIds, to],
    );
    return rows.map((r) => ({
      communityId: r.community_id,
      outstanding: n(r.outstanding),
      outstandingFen: n(r.outstanding_fen),
      overdue: n(r.overdue),
      overdueFen: n(r.overdue_fen),
    }));
  }
}
