import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { Actor } from '../common/actor';
import { DomainError } from '../common/domain-error';
import { RegionEntity } from '../regions/entities/region.entity';
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
import { EntitlementPolicyEntity } from './entities/entitlement-policy.entity';

/**
 * Entitlement policies per region. A region's policy for a kind applies to it and everything below
 * unless a lower region sets its own: community → street → district → city → built-in default.
 */
@Injectable()
export class PoliciesService {
  constructor(
    @InjectRepository(EntitlementPolicyEntity) private readonly policies: Repository<EntitlementPolicyEntity>,
    private readonly regions: RegionsService,
  ) {}

  /** The policy in force for each kind in a region (no scope check: for services). */
  async effective(regionId: string): Promise<Record<EntitlementKind, EffectivePolicy>> {
    const [ids, rows] = await this.lookup(regionId);
    return resolvePolicies(ids, rows);
  }

  private async lookup(regionId: string): Promise<[string[], EntitlementPolicyEntity[], RegionEntity[]]> {
    const lineage = await this.regions.lineage(regionId);
    const ids = lineage.map((r) => r.id);
    const rows = ids.length ? await this.policies.findBy({ regionId: In(ids) }) : [];
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
    if (problems.length) {
      throw new DomainError(
        'VALIDATION_FAILED',
        { fields: problems },
        problems.map((p) => `${p.field}: ${p.problems.join(', ')}`).join('; '),
      );
    }
    const v = toPolicyValues(kind, dto);
    await this.policies.query(
      `INSERT INTO entitlement_policies
         (region_id, kind, min_credit_level, yearly_quota, max_outstanding_fen, discount_percent, overdue_after_days, updated_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE min_credit_level = VALUES(min_credit_level), yearly_quota = VALUES(yearly_quota),
         max_outstanding_fen = VALUES(max_outstanding_fen), discount_percent = VALUES(discount_percent),
         overdue_after_days = VALUES(overdue_after_days), updated_by = VALUES(updated_by)`,
      [
        regionId,
        kind,
        v.minCreditLevel,
        v.yearlyQuota,
        v.maxOutstandingFen,
        v.discountPercent,
        v.overdueAfterDays,
        actor.id,
      ],
    );
    return (await this.list(actor, regionId)).policies.find((p) => p.kind === kind)!;
  }

  /** DELETE /regions/:id/entitlement-policies/:kind: the region inherits again. */
  async clear(actor: Actor, regionId: string, kind: EntitlementKind): Promise<EffectivePolicyView> {
    await this.regions.getInScope(actor, regionId);
    await this.policies.delete({ regionId, kind });
    return (await this.list(actor, regionId)).policies.find((p) => p.kind === kind)!;
  }
}
