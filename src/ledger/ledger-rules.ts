import { DomainError } from '../common/domain-error';
import { invalid, refuse } from '../common/errors';
import {
  AccountKind,
  AccountSpec,
  FLAG_DEBITS_MUST_NOT_EXCEED_CREDITS,
  LedgerName,
  OwnerType,
  Transfer,
  TransferInput,
} from './ledger.types';
import { NewTransfer } from './transfers.repository';

/** The double-entry rules that need no statement: limits by kind, amounts, idempotency. */

/** Kinds whose owners' balances may never be spent below zero. */
export const DEFAULT_FLAGS: Partial<Record<AccountKind, number>> = {
  wallet: FLAG_DEBITS_MUST_NOT_EXCEED_CREDITS,
  community_fund: FLAG_DEBITS_MUST_NOT_EXCEED_CREDITS,
  inventory: FLAG_DEBITS_MUST_NOT_EXCEED_CREDITS,
  time_wallet: FLAG_DEBITS_MUST_NOT_EXCEED_CREDITS,
};

/** A points account of an owner (no sub-account). */
export const pointsAccount = (kind: AccountKind, ownerType: OwnerType, ownerId: string): AccountSpec => ({
  ledger: 'POINTS',
  kind,
  ownerType,
  ownerId,
});

export const walletSpec = (userId: string): AccountSpec => pointsAccount('wallet', 'user', userId);

/** A resident's stored minutes of help (时间储蓄). */
export const timeWalletSpec = (userId: string): AccountSpec => ({
  ledger: 'TIME_MINUTES',
  kind: 'time_wallet',
  ownerType: 'user',
  ownerId: userId,
});

/** The account a community issues minutes of help from. */
export const timeIssuanceSpec = (communityId: string): AccountSpec => ({
  ledger: 'TIME_MINUTES',
  kind: 'time_issuance',
  ownerType: 'region',
  ownerId: communityId,
});

export function existsWithOtherFields(transferId: string): DomainError {
  return refuse(
    'TRANSFER_EXISTS_WITH_DIFFERENT_FIELDS',
    { transferId },
    'a transfer with this id exists with other fields',
  );
}

/** A retried transfer returns the recorded one when it is the same, else a 409. */
export function sameOrConflict(
  existing: Transfer,
  t: TransferInput & { phase: Transfer['phase'] },
): Transfer {
  const same =
    existing.debitAccountId === t.debitAccountId &&
    existing.creditAccountId === t.creditAccountId &&
    existing.amount === t.amount &&
    existing.phase === t.phase &&
    existing.code === t.code &&
    (existing.refType ?? null) === (t.refType ?? null) &&
    (existing.refId ?? null) === (t.refId ?? null);
  if (!same) throw existsWithOtherFields(t.id);
  return existing;
}

export function checkAmount(amount: number, field: string, min: number): void {
  if (!Number.isSafeInteger(amount) || amount < min) throw invalid(field, `must be an integer >= ${min}`);
}

export function insufficient(ledger: LedgerName, accountId: string, amount: number): DomainError {
  if (ledger === 'POINTS')
    return refuse('INSUFFICIENT_POINTS', { accountId, requested: amount }, 'not enough points');
  if (ledger === 'TIME_MINUTES')
    return refuse('INSUFFICIENT_MINUTES', { accountId, requested: amount }, 'not enough stored minutes');
  return refuse('INSUFFICIENT_FUNDS', { accountId, requested: amount }, 'not enough funds');
}

/** Per account, the sum of the transfers' amounts and whether all of them are exempt from limits. */
export function sumBy(
  transfers: TransferInput[],
  key: 'debitAccountId' | 'creditAccountId',
): Map<string, { amount: number; exempt: boolean }> {
  const m = new Map<string, { amount: number; exempt: boolean }>();
  for (const t of transfers) {
    const e = m.get(t[key]) ?? { amount: 0, exempt: true };
    m.set(t[key], { amount: e.amount + t.amount, exempt: e.exempt && !!t.exempt });
  }
  return m;
}

/** The row of a new single-phase or pending transfer. */
export const newTransfer = (t: TransferInput, ledger: LedgerName): NewTransfer => ({
  id: t.id,
  ledger,
  debitAccountId: t.debitAccountId,
  creditAccountId: t.creditAccountId,
  amount: t.amount,
  phase: t.pending ? 'pending' : 'single',
  pendingId: null,
  code: t.code,
  refType: t.refType ?? null,
  refId: t.refId ?? null,
  exempt: !!t.exempt,
});
