import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, hasRole, isStaff } from '../common/actor';
import { DomainError } from '../common/domain-error';
import { forbidden, invalid, notFound, refuse } from '../common/errors';
import { maskName } from '../common/masking';
import { IdempotencyService } from '../common/idempotency.service';
import { newId } from '../common/ids';
import { decodeCursor, Page, pageLimit, TIME_ID, toPage } from '../common/pagination';
import { TransactionService } from '../database/transaction.service';
import { DisplayNamesQueries } from '../identity/display-names.queries';
import { HouseholdQueries } from '../identity/households.queries';
import { UsersService } from '../identity/users.service';
import { RegionsService } from '../regions/regions.service';
import {
  CompleteMutualAidRequestDto,
  CreateMutualAidRequestDto,
  MutualAidRequestsQuery,
} from './dto/mutual-aid.dto';
import { MutualAidRequest as RequestView } from './dto/mutual-aid.views';
import { MutualAidRepository, MutualAidRequest, TransitionFields } from './mutual-aid.repository';
import { mayVolunteer, stateRefusal, Transition } from './mutual-aid-rules';
import { TimeAccountsService } from './time-accounts.service';

/** How far ahead help may be asked for, and how far back (a request typed in after the fact). */
const MAX_AHEAD_MS = 366 * 24 * 3600_000;
const MAX_BEHIND_MS = 24 * 3600_000;

/**
 * Mutual aid (银龄互助): a resident, or a grid worker for them, asks for help; a volunteer of the
 * same community (18+, not the asker) claims it and completes it with the minutes spent; the person
 * helped, or a grid worker for them, confirms, and only then are the minutes credited, once. Each
 * step locks the request and moves it by a conditional update; the minutes move through
 * `TimeAccountsService` in the same transaction.
 */
@Injectable()
export class MutualAidService {
  constructor(
    private readonly tx: TransactionService,
    private readonly idempotency: IdempotencyService,
    private readonly requests: MutualAidRepository,
    private readonly times: TimeAccountsService,
    private readonly users: UsersService,
    private readonly regions: RegionsService,
    private readonly households: HouseholdQueries,
    private readonly names: DisplayNamesQueries,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async ask(actor: Actor, dto: CreateMutualAidRequestDto, key?: string): Promise<RequestView> {
    const onBehalf = dto.forResidentId !== undefined && dto.forResidentId !== actor.id;
    if (onBehalf && !hasRole(actor, 'grid_worker'))
      throw forbidden('only grid workers ask for help on behalf of a resident');
    if (!onBehalf && !hasRole(actor, 'resident'))
      throw invalid('forResidentId', 'name the resident you ask for');
    const residentId = dto.forResidentId ?? actor.id;
    if (onBehalf) await this.users.getResidentInScope(actor, residentId);
    const resident = await this.households.resident(this.db.manager, residentId);
    if (!resident) throw notFound('resident', residentId);
    const wantedAt = new Date(dto.wantedAt);
    const now = Date.now();
    if (wantedAt.getTime() > now + MAX_AHEAD_MS || wantedAt.getTime() < now - MAX_BEHIND_MS)
      throw invalid('wantedAt', 'must lie between yesterday and a year from now');
    const payWithStoredTime = dto.payWithStoredTime ?? false;
    if (payWithStoredTime) {
      const available = await this.times.availableIn(this.db.manager, residentId);
      if (available < dto.minutes)
        throw refuse(
          'INSUFFICIENT_MINUTES',
          { available, requested: dto.minutes },
          'not enough stored minutes to pay for this help',
        );
    }
    return this.idempotency.run({ scope: `mutual-aid:${actor.id}`, key, request: dto }, async (em) => {
      const id = newId();
      await this.requests.insert(em, {
        id,
        communityId: resident.communityId,
        residentId,
        requestedBy: actor.id,
        kind: dto.kind,
        description: dto.description,
        wantedAt,
        minutes: dto.minutes,
        payWithStoredTime,
      });
      return this.view(em, actor, (await this.requests.byId(em, id))!);
    });
  }

  /** The requests of the caller's community (staff: of a community of their scope), newest first. */
  async list(actor: Actor, q: MutualAidRequestsQuery): Promise<Page<RequestView>> {
    const communityId = q.communityId ?? actor.regionId;
    if (!communityId) throw invalid('communityId', 'name a community');
    await this.regions.getCommunityInScope(actor, communityId);
    if (!isStaff(actor) && communityId !== actor.regionId) throw notFound('community', communityId);
    const limit = pageLimit(q);
    const rows = await this.requests.list({
      communityId,
      status: q.status,
      cursor: decodeCursor(q.cursor, TIME_ID),
      limit: limit + 1,
    });
    const views = await this.views(this.db.manager, actor, rows);
    return toPage(views, limit, (v) => [new Date(v.createdAt).toISOString(), v.id]);
  }

  /** A volunteer takes a request: an adult resident of its community, neither the person helped nor the asker. */
  claim(actor: Actor, id: string): Promise<RequestView> {
    return this.tx.run(async (em) => {
      const r = await this.locked(em, actor, id);
      if (actor.regionId !== r.communityId) throw notFound('mutual-aid request', id);
      if (actor.id === r.residentId || actor.id === r.requestedBy)
        throw refuse('SELF_SERVICE_FORBIDDEN', {}, 'you may not claim your own request');
      const me = await this.households.resident(em, actor.id);
      if (!me || !mayVolunteer(me.birthDate, new Date()))
        throw refuse(
          'NOT_ELIGIBLE',
          { reason: 'volunteers must be 18 or older' },
          'volunteers must be adults',
        );
      await this.move(em, r, 'claim', { volunteerId: actor.id });
      if (r.payWithStoredTime) {
        const holdId = await this.times.hold(em, r, actor.id);
        await this.requests.setHold(em, r.id, holdId, r.minutes);
      }
      return this.view(em, actor, (await this.requests.byId(em, id))!);
    });
  }

  /** The volunteer records the minutes the help took. */
  complete(actor: Actor, id: string, dto: CompleteMutualAidRequestDto): Promise<RequestView> {
    return this.tx.run(async (em) => {
      const r = await this.locked(em, actor, id);
      if (r.volunteerId !== actor.id)
        throw forbidden('only the volunteer who claimed the request completes it');
      await this.move(em, r, 'complete', { volunteerId: actor.id, completedMinutes: dto.minutes });
      return this.view(em, actor, (await this.requests.byId(em, id))!);
    });
  }

  /** The person helped (or a grid worker for them) confirms: the volunteer is credited, once. */
  confirm(actor: Actor, id: string): Promise<RequestView> {
    return this.tx.run(async (em) => {
      const r = await this.locked(em, actor, id);
      if (actor.id === r.volunteerId)
        throw refuse('SELF_CONFIRM_FORBIDDEN', {}, 'a volunteer may not confirm their own work');
      if (actor.id !== r.residentId && !hasRole(actor, 'grid_worker'))
        throw forbidden('only the person helped, or a grid worker for them, confirms');
      // Only a completed request moves (the others are refused by their state), so a credit follows.
      await this.move(em, r, 'confirm', { confirmedBy: actor.id, creditedMinutes: r.completedMinutes ?? 0 });
      await this.times.creditVolunteer(em, r);
      return this.view(em, actor, (await this.requests.byId(em, id))!);
    });
  }

  /** The asker (or the person helped) withdraws an open or claimed request; held minutes go back. */
  cancel(actor: Actor, id: string): Promise<RequestView> {
    return this.tx.run(async (em) => {
      const r = await this.locked(em, actor, id);
      if (actor.id !== r.requestedBy && actor.id !== r.residentId)
        throw forbidden('only the asker cancels a request');
      await this.move(em, r, 'cancel', { cancelledBy: actor.id });
      await this.times.release(em, r);
      return this.view(em, actor, (await this.requests.byId(em, id))!);
    });
  }

  /** The request, locked, if the caller may see it (its community lies in their scope); else 404. */
  private async locked(tx: EntityManager, actor: Actor, id: string): Promise<MutualAidRequest> {
    const r = await this.requests.lockById(tx, id);
    if (!r) throw notFound('mutual-aid request', id);
    try {
      await this.regions.getCommunityInScope(actor, r.communityId);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'NOT_FOUND') throw notFound('mutual-aid request', id);
      throw err;
    }
    return r;
  }

  /** One step as a conditional update; a request in another state answers by the state it is in. */
  private async move<T extends Transition>(
    tx: EntityManager,
    r: MutualAidRequest,
    t: T,
    f: TransitionFields[T],
  ): Promise<void> {
    if (await this.requests.transition(tx, r.id, t, f)) return;
    const code = stateRefusal(t, r.status);
    const details = { requestId: r.id, status: r.status };
    if (code === 'ALREADY_CLAIMED') throw refuse(code, details, 'the request was already claimed');
    if (code === 'ALREADY_CONFIRMED') throw refuse(code, details, 'the request was already confirmed');
    throw refuse(code, details, `a ${r.status} request cannot be ${t === 'cancel' ? 'cancelled' : `${t}ed`}`);
  }

  private async view(tx: EntityManager, actor: Actor, r: MutualAidRequest): Promise<RequestView> {
    return (await this.views(tx, actor, [r]))[0];
  }

  /**
   * Names as the caller may see them: in full for staff and for the people of the request (the
   * person helped, the asker, the volunteer); masked (王*奶) for the other residents browsing the
   * community's board, as on the public boards.
   */
  private async views(tx: EntityManager, actor: Actor, rows: MutualAidRequest[]): Promise<RequestView[]> {
    const names = await this.names.of(
      tx,
      rows.flatMap((r) => [r.residentId, r.volunteerId]),
    );
    const staff = isStaff(actor);
    const party = (r: MutualAidRequest) =>
      staff || actor.id === r.residentId || actor.id === r.requestedBy || actor.id === r.volunteerId;
    const shown = (r: MutualAidRequest, id: string) => {
      const name = names.get(id) ?? '';
      return party(r) ? name : maskName(name);
    };
    const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
    return rows.map((r) => ({
      id: r.id,
      communityId: r.communityId,
      kind: r.kind,
      description: r.description,
      wantedAt: iso(r.wantedAt)!,
      minutes: r.minutes,
      residentId: r.residentId,
      residentName: shown(r, r.residentId),
      requestedBy: r.requestedBy,
      proxy: r.requestedBy !== r.residentId,
      payWithStoredTime: r.payWithStoredTime,
      status: r.status,
      volunteerId: r.volunteerId,
      volunteerName: r.volunteerId ? shown(r, r.volunteerId) : null,
      heldMinutes: r.heldMinutes,
      completedMinutes: r.completedMinutes,
      creditedMinutes: r.creditedMinutes,
      claimedAt: iso(r.claimedAt),
      completedAt: iso(r.completedAt),
      confirmedBy: r.confirmedBy,
      confirmedAt: iso(r.confirmedAt),
      cancelledAt: iso(r.cancelledAt),
      createdAt: iso(r.createdAt)!,
    }));
  }
}
