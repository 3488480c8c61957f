export const LEDGERS = ['POINTS', 'CNY_FEN', 'TIME_MINUTES'] as const;
export type LedgerName = (typeof LEDGERS)[number];

/** Account flags (bit mask), as in TigerBeetle. */
export const FLAG_DEBITS_MUST_NOT_EXCEED_CREDITS = 1;
export const FLAG_CREDITS_MUST_NOT_EXCEED_DEBITS = 2;

/**
 * Account kinds. POINTS: resident wallets, a community's issuance account (awards and grants are
 * issued from it), sinks for deductions and expiry, each provider's redemption account.
 * CNY_FEN: funding sources (per source), each community's fund, in-kind goods at value, expenses,
 * cost of redeemed goods, and each provider's settlement account (`provider_payable`: what paying
 * communities' funds moved to a provider in city-wide settlement, to be paid out to it).
 * TIME_MINUTES (时间储蓄): each community's time issuance account (minutes of help are issued from it
 * when a mutual-aid request is confirmed), residents' time wallets (capped by the community's
 * `maxStoredMinutes`).
 */
export type AccountKind =
  | 'wallet'
  | 'issuance'
  | 'deduction_sink'
  | 'expiry_sink'
  | 'redemption'
  | 'funding_source'
  | 'community_fund'
  | 'inventory'
  | 'expense'
  | 'cost_of_redemptions'
  | 'time_issuance'
  | 'time_wallet'
  | 'provider_payable';

export type OwnerType = 'user' | 'region' | 'organization' | 'listing' | 'system';

export interface AccountSpec {
  ledger: LedgerName;
  kind: AccountKind;
  ownerType: OwnerType;
  ownerId: string;
  sub?: string;
  flags?: number;
}

export type Phase = 'single' | 'pending' | 'post' | 'void';

export interface TransferInput {
  /** Chosen by the caller: the same id with the same fields returns the existing transfer. */
  id: string;
  debitAccountId: string;
  creditAccountId: string;
  amount: number;
  /** Why: award, deduction, base_grant, order_hold, redeem, donation, expense, ... */
  code: string;
  refType?: string;
  refId?: string;
  /** Two-phase: hold the amount until a post or void. */
  pending?: boolean;
  /**
   * Recorded in full even past the debit account's limit (deductions). Only for single-phase
   * transfers; the audit excludes exempt debits when checking limits.
   */
  exempt?: boolean;
}

export interface Transfer {
  id: string;
  ledger: LedgerName;
  debitAccountId: string;
  creditAccountId: string;
  amount: number;
  phase: Phase;
  pendingId: string | null;
  code: string;
  refType: string | null;
  refId: string | null;
  exempt: boolean;
  createdAt: Date;
}

export interface Balances {
  accountId: string | null;
  debitsPending: number;
  debitsPosted: number;
  creditsPending: number;
  creditsPosted: number;
}

export interface AuditViolation {
  invariant: string;
  detail: Record<string, unknown>;
}

export interface AuditReport {
  ok: boolean;
  checkedAt: string;
  accounts: number;
  transfers: number;
  /** Accounts and transfers of each ledger the audit checked (every one of `LEDGERS`). */
  ledgers: Record<LedgerName, { accounts: number; transfers: number }>;
  violations: AuditViolation[];
}
