import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** An account owned by a region (a community's money and points accounts). */
export interface RegionAccountRow {
  id: string;
  ledger: string;
  kind: string;
  ownerId: string;
  sub: string;
}

/** Transfers summed by debit account, credit account and code. */
export interface TransferSumRow {
  debitAccountId: string;
  creditAccountId: string;
  code: string;
  amount: number;
}

/**
 * Points flowing through a community account (`side`: its issuance account or one of its sinks)
 * from or to one wallet: in [from, to), in all time before `to`, in the earning year before `to`,
 * and (issuance only) how many awards in the period.
 */
export interface PointFlowRow {
  side: string;
  wallet: string;
  period: number;
  total: number;
  year: number;
  awards: number;
}

/** A transfer recorded for an object, with the kinds of the accounts it moved between. */
export interface RefTransferRow {
  id: string;
  code: string;
  amount: number;
  createdAt: Date;
  fromKind: string;
  toKind: string;
}

export interface PointWindows {
  from: Date;
  yearFrom: Date;
  to: Date;
}

type Num = string | number | null;
const n = (v: Num | undefined): number => Number(v ?? 0);
const marks = (xs: unknown[]) => xs.map(() => '?').join(', ');
/** Only posted money: single-phase transfers and the posts of two-phase ones. */
const POSTED = "phase IN ('single', 'post')";

/**
 * The ledger's reads for reports and traces (funding reports, a donation's trail): sums of
 * transfers by account and code, and the accounts owned by regions. Read-only; each runs on the
 * caller's EntityManager (`tx`), so that a report reads one snapshot.
 */
@Injectable()
export class LedgerReportQueries {
  /** Every account owned by these regions. */
  async regionAccounts(tx: EntityManager, regionIds: string[]): Promise<RegionAccountRow[]> {
    if (!regionIds.length) return [];
    const rows: Array<{ id: string; ledger: string; kind: string; owner_id: string; sub: string }> =
      await tx.query(
        `SELECT id, ledger, kind, owner_id, sub FROM accounts
          WHERE owner_type = 'region' AND owner_id IN (${marks(regionIds)})`,
        regionIds,
      );
    return rows.map((r) => ({ id: r.id, ledger: r.ledger, kind: r.kind, ownerId: r.owner_id, sub: r.sub }));
  }

  /** Posted transfers of a ledger debiting these accounts in [from, to), except those of one code. */
  async debitSums(
    tx: EntityManager,
    q: { ledger: string; debitIds: string[]; exceptCode: string; from: Date; to: Date },
  ): Promise<TransferSumRow[]> {
    if (!q.debitIds.length) return [];
    return this.sums(
      tx,
      `debit_account_id IN (${marks(q.debitIds)}) AND ledger = ? AND ${POSTED}
        AND code <> ? AND created_at >= ? AND created_at < ?`,
      [...q.debitIds, q.ledger, q.exceptCode, q.from, q.to],
    );
  }

  /** Posted transfers of a ledger and code recorded for these objects (`ref_type`, `ref_id`). */
  async refSums(
    tx: EntityManager,
    q: { ledger: string; code: string; refType: string; refIds: string[] },
  ): Promise<TransferSumRow[]> {
    const out: TransferSumRow[] = [];
    for (let i = 0; i < q.refIds.length; i += 5_000) {
      const chunk = q.refIds.slice(i, i + 5_000);
      out.push(
        ...(await this.sums(
          tx,
          `ref_type = ? AND ref_id IN (${marks(chunk)}) AND code = ? AND ledger = ? AND ${POSTED}`,
          [q.refType, ...chunk, q.code, q.ledger],
        )),
      );
    }
    return out;
  }

  private async sums(tx: EntityManager, where: string, params: unknown[]): Promise<TransferSumRow[]> {
    const rows: Array<{ debit_account_id: string; credit_account_id: string; code: string; amount: Num }> =
      await tx.query(
        `SELECT debit_account_id, credit_account_id, code, SUM(amount) AS amount FROM transfers
          WHERE ${where} GROUP BY debit_account_id, credit_account_id, code`,
        params,
      );
    return rows.map((r) => ({
      debitAccountId: r.debit_account_id,
      creditAccountId: r.credit_account_id,
      code: r.code,
      amount: n(r.amount),
    }));
  }

  /**
   * Points issued (`award`, `base_grant`, and `deduction_reversal`: a deduction given back by an
   * upheld appeal) from these issuance accounts, by wallet, before `to`.
   */
  issuedPoints(tx: EntityManager, issuanceIds: string[], w: PointWindows): Promise<PointFlowRow[]> {
    return this.flows(tx, w, {
      side: 'debit_account_id',
      wallet: 'credit_account_id',
      ids: issuanceIds,
      yearCode: null,
      countAwards: true,
      where: "code IN ('award', 'base_grant', 'deduction_reversal') AND phase = 'single'",
    });
  }

  /** Points taken into these sinks (deductions, expiry), by wallet, before `to`. */
  sunkPoints(tx: EntityManager, sinkIds: string[], w: PointWindows): Promise<PointFlowRow[]> {
    return this.flows(tx, w, {
      side: 'credit_account_id',
      wallet: 'debit_account_id',
      ids: sinkIds,
      yearCode: 'deduction',
      countAwards: false,
      where: POSTED,
    });
  }

  /**
   * Transfers through these accounts (`side`) grouped by account and wallet: the sums in the period,
   * in all time before `to`, in the earning year (of `yearCode` only, when given), and the awards
   * in the period (when `countAwards`).
   */
  private async flows(
    tx: EntityManager,
    w: PointWindows,
    q: {
      side: string;
      wallet: string;
      ids: string[];
      yearCode: string | null;
      countAwards: boolean;
      where: string;
    },
  ): Promise<PointFlowRow[]> {
    if (!q.ids.length) return [];
    const yearOf = q.yearCode === null ? '' : 'code = ? AND ';
    const awards = q.countAwards
      ? "SUM(CASE WHEN code = 'award' AND created_at >= ? THEN 1 ELSE 0 END)"
      : '0';
    const rows: Array<{ side: string; wallet: string; period: Num; total: Num; year: Num; awards: Num }> =
      await tx.query(
        `SELECT ${q.side} AS side, ${q.wallet} AS wallet,
                SUM(CASE WHEN created_at >= ? THEN amount ELSE 0 END) AS period,
                SUM(amount) AS total,
                SUM(CASE WHEN ${yearOf}created_at >= ? THEN amount ELSE 0 END) AS year,
                ${awards} AS awards
           FROM transfers
          WHERE ${q.side} IN (${marks(q.ids)}) AND ${q.where} AND created_at < ?
          GROUP BY ${q.side}, ${q.wallet}`,
        [
          w.from,
          ...(q.yearCode === null ? [] : [q.yearCode]),
          w.yearFrom,
          ...(q.countAwards ? [w.from] : []),
          ...q.ids,
          w.to,
        ],
      );
    return rows.map((r) => ({
      side: r.side,
      wallet: r.wallet,
      period: n(r.period),
      total: n(r.total),
      year: n(r.year),
      awards: n(r.awards),
    }));
  }

  /** The owners (users) of these wallets: wallet id → user id. */
  async walletOwners(tx: EntityManager, walletIds: string[]): Promise<Map<string, string>> {
    const owners = new Map<string, string>();
    for (let i = 0; i < walletIds.length; i += 5_000) {
      const chunk = walletIds.slice(i, i + 5_000);
      const rows: Array<{ id: string; owner_id: string }> = await tx.query(
        `SELECT id, owner_id FROM accounts
          WHERE id IN (${marks(chunk)}) AND kind = 'wallet' AND owner_type = 'user'`,
        chunk,
      );
      for (const r of rows) owners.set(r.id, r.owner_id);
    }
    return owners;
  }

  /** The transfers recorded for one object, oldest first, with their accounts' kinds. */
  async transfersOf(tx: EntityManager, refType: string, refId: string): Promise<RefTransferRow[]> {
    const rows: Array<{
      id: string;
      code: string;
      amount: Num;
      created_at: Date;
      from_kind: string;
      to_kind: string;
    }> = await tx.query(
      `SELECT t.id, t.code, t.amount, t.created_at, da.kind AS from_kind, ca.kind AS to_kind
         FROM transfers t JOIN accounts da ON da.id = t.debit_account_id JOIN accounts ca ON ca.id = t.credit_account_id
        WHERE t.ref_type = ? AND t.ref_id = ? ORDER BY t.created_at, t.id`,
      [refType, refId],
    );
    return rows.map((r) => ({
      id: r.id,
      code: r.code,
      amount: n(r.amount),
      createdAt: r.created_at,
      fromKind: r.from_kind,
      toKind: r.to_kind,
    }));
  }

  /** The ids of the transfers recorded for one object, oldest first. */
  async transferIdsOf(tx: EntityManager, refType: string, refId: string): Promise<string[]> {
    const rows: Array<{ id: string }> = await tx.query(
      'SELECT id FROM transfers WHERE ref_type = ? AND ref_id = ? ORDER BY created_at, id',
      [refType, refId],
    );
    return rows.map((r) => r.id);
  }
}
