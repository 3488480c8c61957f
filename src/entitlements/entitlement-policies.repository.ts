import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import type { CreditLevel } from '../earning/credit-levels';
import type { EntitlementKind } from './entitlement-rules';
import { EntitlementPolicyEntity } from './entities/entitlement-policy.entity';

/** A region's policy for one kind as it is written (`entitlement_policies`). */
export interface PolicyRow {
  region_id: string;
  kind: EntitlementKind;
  min_credit_level: CreditLevel;
  yearly_quota: number | null;
  max_outstanding_fen: number | null;
  discount_percent: number | null;
  overdue_after_days: number | null;
  updated_by: string;
}

/** The one column list of `entitlement_policies` (the key first; the times are the database's). */
const COLUMNS = [
  'region_id',
  'kind',
  'min_credit_level',
  'yearly_quota',
  'max_outstanding_fen',
  'discount_percent',
  'overdue_after_days',
  'updated_by',
] as const;

@Injectable()
export class EntitlementPoliciesRepository {
  /** The policies set by any of these regions. */
  ofRegions(tx: EntityManager, regionIds: string[]): Promise<EntitlementPolicyEntity[]> {
    return regionIds.length
      ? tx.getRepository(EntitlementPolicyEntity).findBy({ regionId: In(regionIds) })
      : Promise.resolve([]);
  }

  /** Sets the region's policy for the kind (insert or replace). */
  async put(tx: EntityManager, p: PolicyRow): Promise<void> {
    await tx.query(
      `INSERT INTO entitlement_policies (${COLUMNS.join(', ')})
       VALUES (${COLUMNS.map(() => '?').join(', ')})
       ON DUPLICATE KEY UPDATE ${COLUMNS.slice(2)
         .map((c) => `${c} = VALUES(${c})`)
         .join(', ')}`,
      COLUMNS.map((c) => p[c]),
    );
  }

  /** The region inherits the kind's policy again. */
  async clear(tx: EntityManager, regionId: string, kind: EntitlementKind): Promise<void> {
    await tx.getRepository(EntitlementPolicyEntity).delete({ regionId, kind });
  }
}
