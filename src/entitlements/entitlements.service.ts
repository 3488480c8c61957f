import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../common/actor';
import { DomainError } from '../common/domain-error';
import { notFound } from '../common/errors';
import { newId } from '../common/ids';
import { IdempotencyService } from '../common/idempotency.service';
import { APP_CONFIG, AppConfig } from '../config/configuration';
import { affectedRows, TransactionService } from '../database/transaction.service';
import type { CreditLevel } from '../earning/credit-levels';
import { CreditService } from '../earning/credit.service';
import { earningYearOf } from '../earning/earning-period';
import { UserEntity } from '../identity/entities/user.entity';
import { UsersService } from '../identity/users.service';
import { OrganizationEntity } from '../regions/entities/organization.entity';
import { RegionsService } from '../regions/regions.service';
import { RecordUseDto, UseView, VerifyDto, VerifyView } from './dto/entitlements.dto';
import {
  cityOf,
  EffectivePolicy,
  ENTITLEMENT_KINDS,
  EntitlementKind,
  EntitlementState,
  evaluate,
  Evaluation,
  kindsHandledBy,
  orgTypeFor,
  overdueAfterSeconds,
} from './entitlement-rules';
import { EntitlementUseEntity } from './entities/entitlement-use.entity';
import { PassClaims, PassesService } from './passes.service';
import { PoliciesService } from './policies.service';
import { toUseView } from './use-view';

/** Everything a counter needs to know before recording a use, read outside the transaction. */
interface Prepared {
  kind: EntitlementKind;
  pass: PassClaims;
  resident: UserEntity & { regionId: string };
  regionPath: string;
  organization: OrganizationEntity;
  level: CreditLevel;
  policy: EffectivePolicy;
  year: number;
  sameCity: boolean;
}

/**
 * Verifying and recording entitlements at hospital and canteen counters. The pass proves who the
 * resident is; the live credit level and the resident's region's policy decide. Quotas and the cap on
 * deferred bills are enforced by conditional UPDATEs on counter rows inside the recording
 * transaction, so concurrent uses can never pass them together.
 */
@Injectable()
export class EntitlementsService {
  constructor(
    private readonly passes: PassesService,
    private readonly policies: PoliciesService,
    private readonly credit: CreditService,
    private readonly users: UsersService,
    private readonly regions: RegionsService,
    private readonly tx: TransactionService,
    private readonly idempotency: IdempotencyService,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** POST /entitlements/verify: a dry run that spends nothing. */
  async verify(actor: Actor, dto: VerifyDto): Promise<VerifyView> {
    const p = await this.prepare(actor, dto.kind, dto.passCode);
    const ev = this.evaluate(p, await this.stateOf(p.resident.id, p.kind, p.year, p.level), dto.amountFen);
    return {
      ...ev,
      kind: p.kind,
      passCreditLevel: p.pass.creditLevel,
      resident: { id: p.resident.id, displayName: p.resident.displayName },
      passExpiresAt: p.pass.expiresAt,
      policyRegionId: p.policy.sourceRegionId,
    };
  }

  /**
   * POST /entitlements/uses (+ Idempotency-Key). Checks that need no lock (pass, role, level, city)
   * run before the transaction; with a key, a failed check still goes through the key so that a
   * retry of a request that once succeeded gets its first answer even after the pass expired.
   */
  async use(actor: Actor, dto: RecordUseDto, key?: string): Promise<UseView> {
    if (dto.kind === 'treat_first_pay_later' && dto.amountFen === undefined) {
      throw new DomainError(
        'VALIDATION_FAILED',
        { fields: [{ field: 'amountFen', problems: ['is required for treat_first_pay_later'] }] },
        'amountFen: is required for treat_first_pay_later',
      );
    }
    let prepared: Prepared | undefined;
    let failure: DomainError | undefined;
    try {
      prepared = await this.prepare(actor, dto.kind, dto.passCode);
      const ev = this.evaluate(prepared, {
        level: prepared.level,
        used: 0,
        outstandingFen: 0,
        overdueCount: 0,
      });
      if (ev.reason === 'credit_level_too_low' || ev.reason === 'other_city') throw notEligible(ev, prepared);
      await this.ensureCounterRows(prepared);
    } catch (err) {
      if (!key || !(err instanceof DomainError)) throw err;
      failure = err;
    }
    return this.idempotency.run({ scope: `entitlement-uses:${actor.id}`, key, request: dto }, async (em) => {
      if (failure) throw failure;
      return this.record(em, actor, prepared!, dto.amountFen ?? null);
    });
  }

  /** GET /me/entitlements: what the resident may use now, kind by kind. */
  async mine(actor: Actor) {
    const user = await this.users.findById(actor.id);
    if (!user?.regionId) throw notFound('resident', actor.id);
    const [standing, policies] = await Promise.all([
      this.credit.levelOf(actor.id),
      this.policies.effective(user.regionId),
    ]);
    const year = earningYearOf();
    const entitlements = await Promise.all(
      ENTITLEMENT_KINDS.map(async (kind) => ({
        kind,
        ...evaluate(kind, policies[kind], await this.stateOf(actor.id, kind, year, standing.level)),
        policyRegionId: policies[kind].sourceRegionId,
      })),
    );
    return { year, creditLevel: standing.level, earnedPoints: standing.earnedPoints, entitlements };
  }

  private async prepare(actor: Actor, kind: EntitlementKind, passCode: string): Promise<Prepared> {
    const organization = await this.counterOrganization(actor, kind);
    const pass = await this.passes.read(passCode);
    if (pass.residentId === actor.id)
      throw new DomainError(
        'SELF_SERVICE_FORBIDDEN',
        { kind },
        'you may not verify or record an entitlement on your own pass; ask a colleague to serve you',
      );
    const resident = await this.users.findById(pass.residentId);
    const region = resident?.regionId ? await this.regions.get(resident.regionId) : null;
    if (!resident || !resident.active || !resident.roles.includes('resident') || !region) {
      throw notFound('resident', pass.residentId);
    }
    const orgRegion = await this.regions.get(organization.regionId);
    const [standing, policies] = await Promise.all([
      this.credit.levelOf(resident.id),
      this.policies.effective(region.id),
    ]);
    return {
      kind,
      pass,
      resident: resident as UserEntity & { regionId: string },
      regionPath: region.path,
      organization,
      level: standing.level,
      policy: policies[kind],
      year: earningYearOf(),
      sameCity: cityOf(region.path) === cityOf(orgRegion?.path),
    };
  }

  /** The caller's hospital or canteen, if their role handles this kind; otherwise 403. */
  private async counterOrganization(actor: Actor, kind: EntitlementKind): Promise<OrganizationEntity> {
    const kinds = kindsHandledBy(actor);
    const org = await this.regions.getOrganization(actor.organizationId);
    if (!kinds.includes(kind) || !org || org.type !== orgTypeFor(kind)) {
      throw new DomainError(
        'FORBIDDEN',
        { kind, allowedKinds: kinds },
        kinds.length
          ? `your role records ${kinds.join(', ')}, not ${kind}`
          : 'only hospital and canteen staff handle entitlements',
      );
    }
    return org;
  }

  private evaluate(p: Prepared, state: EntitlementState, amountFen?: number): Evaluation {
    const ev = evaluate(p.kind, p.policy, state, amountFen);
    if (ev.eligible && !p.sameCity) {
      return {
        ...ev,
        eligible: false,
        reason: 'other_city',
        message: 'the resident belongs to another city; entitlements are recognised within a city',
      };
    }
    return ev;
  }

  private async stateOf(
    residentId: string,
    kind: EntitlementKind,
    year: number,
    level: CreditLevel,
  ): Promise<EntitlementState> {
    const [counter]: Array<{ used: number }> = await this.db.query(
      'SELECT used FROM entitlement_counters WHERE resident_id = ? AND kind = ? AND period_year = ?',
      [residentId, kind, year],
    );
    const [balance]: Array<{ outstanding_fen: string | number; overdue_count: number }> = await this.db.query(
      'SELECT outstanding_fen, overdue_count FROM entitlement_balances WHERE resident_id = ?',
      [residentId],
    );
    return {
      level,
      used: Number(counter?.used ?? 0),
      outstandingFen: Number(balance?.outstanding_fen ?? 0),
      overdueCount: Number(balance?.overdue_count ?? 0),
    };
  }

  /** Counter rows exist before the recording transaction, which then only updates them conditionally. */
  private async ensureCounterRows(p: Prepared): Promise<void> {
    if (p.policy.yearlyQuota !== null) {
      await this.tx.run((em) =>
        em.query(
          'INSERT INTO entitlement_counters (resident_id, kind, period_year, used) VALUES (?, ?, ?, 0) ON DUPLICATE KEY UPDATE used = used',
          [p.resident.id, p.kind, p.year],
        ),
      );
    }
    if (p.kind === 'treat_first_pay_later') {
      await this.tx.run((em) =>
        em.query(
          'INSERT INTO entitlement_balances (resident_id, outstanding_fen, overdue_count) VALUES (?, 0, 0) ON DUPLICATE KEY UPDATE resident_id = resident_id',
          [p.resident.id],
        ),
      );
    }
  }

  /** The recording transaction: quota counter, then the deferred balance, then the use row. */
  private async record(
    em: EntityManager,
    actor: Actor,
    p: Prepared,
    amountFen: number | null,
  ): Promise<UseView> {
    const rid = p.resident.id;
    const extras: Pick<UseView, 'remaining' | 'outstandingFen'> = {};
    const quota = p.policy.yearlyQuota;
    if (quota !== null) {
      const taken = await em.query(
        'UPDATE entitlement_counters SET used = used + 1 WHERE resident_id = ? AND kind = ? AND period_year = ? AND used + 1 <= ?',
        [rid, p.kind, p.year, quota],
      );
      if (affectedRows(taken) !== 1) {
        throw new DomainError(
          'QUOTA_EXHAUSTED',
          { limit: 'yearly_quota', kind: p.kind, yearlyQuota: quota, year: p.year, remaining: 0 },
          `all ${quota} uses of ${p.kind} for ${p.year} are taken`,
        );
      }
      const [row]: Array<{ used: number }> = await em.query(
        'SELECT used FROM entitlement_counters WHERE resident_id = ? AND kind = ? AND period_year = ?',
        [rid, p.kind, p.year],
      );
      extras.remaining = quota - Number(row.used);
    }
    let dueInSeconds: number | null = null;
    if (p.kind === 'treat_first_pay_later') {
      extras.outstandingFen = await this.addDeferred(em, p, amountFen!);
      dueInSeconds = overdueAfterSeconds(p.policy, this.config.entitlementOverdueSeconds);
    }
    const id = newId();
    await em.query(
      `INSERT INTO entitlement_uses (id, kind, status, resident_id, community_id, region_path, organization_id,
         recorded_by, period_year, credit_level, policy_region_id, amount_fen, discount_percent, due_at, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
         IF(? IS NULL, NULL, DATE_ADD(CURRENT_TIMESTAMP(3), INTERVAL ? SECOND)), CURRENT_TIMESTAMP(3))`,
      [
        id,
        p.kind,
        p.kind === 'treat_first_pay_later' ? 'outstanding' : 'recorded',
        rid,
        p.resident.regionId,
        p.regionPath,
        p.organization.id,
        actor.id,
        p.year,
        p.level,
        p.policy.sourceRegionId,
        amountFen,
        p.kind === 'checkup_discount' ? p.policy.discountPercent : null,
        dueInSeconds,
        dueInSeconds ?? 0,
      ],
    );
    const use = await em.getRepository(EntitlementUseEntity).findOneByOrFail({ id });
    return { ...toUseView(use, p.resident.displayName), ...extras };
  }

  /**
   * Adds a deferred bill to the resident's unpaid amount, only while nothing is overdue and the sum
   * stays under the cap (one conditional UPDATE); returns the new unpaid amount.
   */
  private async addDeferred(em: EntityManager, p: Prepared, amountFen: number): Promise<number> {
    const cap = p.policy.maxOutstandingFen;
    const added = await em.query(
      `UPDATE entitlement_balances SET outstanding_fen = outstanding_fen + ?
        WHERE resident_id = ? AND overdue_count = 0 AND (? IS NULL OR outstanding_fen + ? <= ?)`,
      [amountFen, p.resident.id, cap, amountFen, cap],
    );
    const [b]: Array<{ outstanding_fen: string | number; overdue_count: number }> = await em.query(
      'SELECT outstanding_fen, overdue_count FROM entitlement_balances WHERE resident_id = ?',
      [p.resident.id],
    );
    const state = {
      level: p.level,
      used: 0,
      outstandingFen: Number(b.outstanding_fen),
      overdueCount: Number(b.overdue_count),
    };
    if (affectedRows(added) === 1) return state.outstandingFen;
    if (state.overdueCount > 0) throw notEligible(evaluate(p.kind, p.policy, state), p);
    throw new DomainError(
      'QUOTA_EXHAUSTED',
      {
        limit: 'max_outstanding',
        kind: p.kind,
        maxOutstandingFen: cap,
        outstandingFen: state.outstandingFen,
        requestedFen: amountFen,
        availableFen: Math.max(0, (cap ?? 0) - state.outstandingFen),
      },
      `the bill would bring the unpaid deferred bills past the cap of ${cap} fen`,
    );
  }
}

function notEligible(ev: Evaluation, p: Prepared): DomainError {
  return new DomainError(
    'NOT_ELIGIBLE',
    {
      reason: ev.reason,
      kind: p.kind,
      creditLevel: ev.creditLevel,
      minCreditLevel: ev.minCreditLevel,
      ...(ev.overdueBills ? { overdueBills: ev.overdueBills } : {}),
    },
    `not eligible: ${ev.message ?? ev.reason}`,
  );
}
