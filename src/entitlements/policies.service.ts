import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Actor } from '../common/actor';
import { invalidFields } from '../common/errors';
import { TransactionService } from '../database/transaction.service';
import { RegionsService } from '../regions/regions.service';
import { EffectivePolicyView, PutPolicyDto } from './dto/entitlements.dto';
import {
  EffectivePolicy,
  ENTITLEMENT_KINDS,
  EntitlementKind,
  policyProblems,
  resolvePolicies,
  toPolicyValues,
} from './entitlement-rules';
import { EntitlementPoliciesRepository } from './entitlement-policies.repository';
import { EntitlementPolicyEntity } from './entities/entitlement-policy.entity';

/**
 * Entitlement policies per region. A region's policy for a kind applies to it and everything below
 * unless a lower region sets its own: community → street → district → city → built-in default.
 */
@Injectable()
export class PoliciesService {
  constructor(
    private readonly repo: EntitlementPoliciesRepository,
    private readonly regions: RegionsService,
    private readonly tx: TransactionService,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  /** The policy in force for each kind in a region (no scope check: for services). */
  async effective(regionId: string): Promise<Record<EntitlementKind, EffectivePolicy>> {
    const [ids, rows] = await this.lookup(regionId);
    return resolvePolicies(ids, rows);
  }

  private async lookup(regionId: string): Promise<[string[], EntitlementPolicyEntity[], Awaited<ReturnType<RegionsService['lineage']>>]> {
    const lineage = await this.regions.lineage(regionId);
    const ids = lineage.map((r) => r.id);
    const rows = await this.repo.ofRegions(this.db.manager, ids);
    return [ids, rows, lineage];
  }

  /** GET /regions/:id/entitlement-policies: the effective policy of every kind and where it comes from. */
  async list(actor: Actor, regionId: string): Promise<{ regionId: string; policies: EffectivePolicyView[] }> {
    await this.regions.getInScope(actor, regionId);
    const [ids, rows, lineage] = await this.lookup(regionId);
    const resolved = resolvePolicies(ids, rows);
    const names = new Map(lineage.map((r) => [r.id, r.name]));
    return {
      regionId,
      policies: ENTITLEMENT_KINDS.map((kind) => {
        const p = resolved[kind];
        return {
          kind,
          minCreditLevel: p.minCreditLevel,
          yearlyQuota: p.yearlyQuota,
          maxOutstandingFen: p.maxOutstandingFen,
          discountPercent: p.discountPercent,
          overdueAfterDays: p.overdueAfterDays,
          sourceRegionId: p.sourceRegionId,
          sourceRegionName: p.sourceRegionId ? (names.get(p.sourceRegionId) ?? null) : null,
          inherited: p.sourceRegionId !== regionId,
        };
      }),
    };
  }

  /** PUT /regions/:id/entitlement-policies/:kind: city admins and street officers, in their scope. */
  async put(
    actor: Actor,
    regionId: string,
    kind: EntitlementKind,
    dto: PutPolicyDto,
  ): Promise<EffectivePolicyView> {
    await this.regions.getInScope(actor, regionId);
    const problems = policyProblems(kind, dto);
    if (problems.length) throw invalidFields(problems);
    const v = toPolicyValues(kind, dto);
    await this.tx.run((tx) =>
      this.repo.put(tx, {
        region_id: regionId,
        kind,
        min_credit_level: v.minCreditLevel,
        yearly_quota: v.yearlyQuota,
        max_outstanding_fen: v.maxOutstandingFen,
        discount_percent: v.discountPercent,
        overdue_after_days: v.overdueAfterDays,
        updated_by: actor.id,
      }),
    );
    return (await this.list(actor, regionId)).policies.find((p) => p.kind === kind)!;
  }

  /** DELETE /regions/:id/entitlement-policies/:kind: the region inherits again. */
  async clear(actor: Actor, regionId: string, kind: EntitlementKind): Promise<EffectivePolicyView> {
    await this.regions.getInScope(actor, regionId);
    await this.tx.run((tx) => this.repo.clear(tx, regionId, kind));
    return (await this.list(actor, regionId)).policies.find((p) => p.kind === kind)!;
  }
}
