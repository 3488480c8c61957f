import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../common/actor';
import { DomainError } from '../common/domain-error';
import { forbidden, invalid, notFound, refuse } from '../common/errors';
import { newId } from '../common/ids';
import { IdempotencyService } from '../common/idempotency.service';
import { APP_CONFIG, AppConfig } from '../config/configuration';
import { TransactionService } from '../database/transaction.service';
import type { CreditLevel } from '../earning/credit-levels';
import { CreditService } from '../earning/credit.service';
import { earningYearOf } from '../earning/earning-period';
import { UsersService } from '../identity/users.service';
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
import { CounterKey, EntitlementCountersRepository } from './entitlement-counters.repository';
import { EntitlementUsesRepository } from './entitlement-uses.repository';
import { PassClaims, PassesService } from './passes.service';
import { PoliciesService } from './policies.service';
import { toUseView } from './use-view';

type User = NonNullable<Awaited<ReturnType<UsersService['findById']>>>;
type Organization = NonNullable<Awaited<ReturnType<RegionsService['getOrganization']>>>;

/** Everything a counter needs to know before recording a use, read outside the transaction. */
interface Prepared {
  kind: EntitlementKind;
  pass: PassClaims;
  resident: User & { regionId: string };
  regionPath: string;
  organization: Organization;
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
    private readonly uses: EntitlementUsesRepository,
    private readonly counters: EntitlementCountersRepository,
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
      throw invalid('amountFen', 'is required for treat_first_pay_later');
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
      throw refuse(
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
      resident: resident as User & { regionId: string },
      regionPath: region.path,
      organization,
      level: standing.level,
      policy: policies[kind],
      year: earningYearOf(),
      sameCity: cityOf(region.path) === cityOf(orgRegion?.path),
    };
  }

  /** The caller's hospital or canteen, if their role handles this kind; otherwise 403. */
  private async counterOrganization(actor: Actor, kind: EntitlementKind): Promise<Organization> {
    const kinds = kindsHandledBy(actor);
    const org = await this.regions.getOrganization(actor.organizationId);
    if (!kinds.includes(kind) || !org || org.type !== orgTypeFor(kind)) {
      throw forbidden(
        kinds.length
          ? `your role records ${kinds.join(', ')}, not ${kind}`
          : 'only hospital and canteen staff handle entitlements',
        { kind, allowedKinds: kinds },
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
    const used = await this.counters.used(this.db.manager, { residentId, kind, year });
    const balance = await this.counters.balance(this.db.manager, residentId);
    return {
      level,
      used: used ?? 0,
      outstandingFen: balance?.outstandingFen ?? 0,
      overdueCount: balance?.overdueCount ?? 0,
    };
  }

  /** Counter rows exist before the recording transaction, which then only updates them conditionally. */
  private async ensureCounterRows(p: Prepared): Promise<void> {
    if (p.policy.yearlyQuota !== null) await this.tx.run((tx) => this.counters.ensureCounter(tx, counterOf(p)));
    if (p.kind === 'treat_first_pay_later')
      await this.tx.run((tx) => this.counters.ensureBalance(tx, p.resident.id));
  }

  /** The recording transaction: quota counter, then the deferred balance, then the use row. */
  private async record(
    tx: EntityManager,
    actor: Actor,
    p: Prepared,
    amountFen: number | null,
  ): Promise<UseView> {
    const extras: Pick<UseView, 'remaining' | 'outstandingFen'> = {};
    const quota = p.policy.yearlyQuota;
    if (quota !== null) {
      if (!(await this.counters.take(tx, counterOf(p), quota))) {
        throw refuse(
          'QUOTA_EXHAUSTED',
          { limit: 'yearly_quota', kind: p.kind, yearlyQuota: quota, year: p.year, remaining: 0 },
          `all ${quota} uses of ${p.kind} for ${p.year} are taken`,
        );
      }
      extras.remaining = quota - (await this.counters.used(tx, counterOf(p)))!;
    }
    let dueInSeconds: number | null = null;
    if (p.kind === 'treat_first_pay_later') {
      extras.outstandingFen = await this.addDeferred(tx, p, amountFen!);
      dueInSeconds = overdueAfterSeconds(p.policy, this.config.entitlementOverdueSeconds);
    }
    const id = newId();
    await this.uses.insert(
      tx,
      {
        id,
        kind: p.kind,
        status: p.kind === 'treat_first_pay_later' ? 'outstanding' : 'recorded',
        resident_id: p.resident.id,
        community_id: p.resident.regionId,
        region_path: p.regionPath,
        organization_id: p.organization.id,
        recorded_by: actor.id,
        period_year: p.year,
        credit_level: p.level,
        policy_region_id: p.policy.sourceRegionId,
        amount_fen: amountFen,
        discount_percent: p.kind === 'checkup_discount' ? p.policy.discountPercent : null,
      },
      dueInSeconds,
    );
    const use = await this.uses.find(tx, id);
    return { ...toUseView(use, p.resident.displayName), ...extras };
  }

  /**
   * Adds a deferred bill to the resident's unpaid amount, only while nothing is overdue and the sum
   * stays under the cap (one conditional UPDATE); returns the new unpaid amount.
   */
  private async addDeferred(tx: EntityManager, p: Prepared, amountFen: number): Promise<number> {
    const cap = p.policy.maxOutstandingFen;
    const added = await this.counters.addDeferred(tx, p.resident.id, amountFen, cap);
    const state = { level: p.level, used: 0, ...(await this.counters.balance(tx, p.resident.id))! };
    if (added) return state.outstandingFen;
    if (state.overdueCount > 0) throw notEligible(evaluate(p.kind, p.policy, state), p);
    throw refuse(
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

const counterOf = (p: Prepared): CounterKey => ({ residentId: p.resident.id, kind: p.kind, year: p.year });

function notEligible(ev: Evaluation, p: Prepared): DomainError {
  return refuse(
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
