import type { EntityManager } from 'typeorm';
import type { LedgerService } from '../ledger/ledger.service';
import type { AccountKind } from '../ledger/ledger.types';
import { MONEY } from './funding.types';

/**
 * A community's money account of a kind (funding_source has one per source, `sub` = the source),
 * opened on first use. Owned by the community region.
 */
export function communityAccount(
  ledger: LedgerService,
  tx: EntityManager,
  communityId: string,
  kind: AccountKind,
  sub?: string,
): Promise<string> {
  return ledger.ensureAccount(tx, { ledger: MONEY, kind, ownerType: 'region', ownerId: communityId, sub });
}
