import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../common/actor';
import { notFound, refuse } from '../common/errors';
import { IdempotencyService } from '../common/idempotency.service';
import { newId } from '../common/ids';
import { HouseholdsService } from '../households/households.service';
import { HouseholdQueries } from '../identity/households.queries';
import { LedgerService } from '../ledger/ledger.service';
import { RegionsService } from '../regions/regions.service';
import { TimeGiftDto } from './dto/mutual-aid.dto';
import { TimeAccount, TimeGift } from './dto/mutual-aid.views';
import { MutualAidRequest } from './mutual-aid.repository';
import { creditSplit, DEFAULT_MAX_STORED_MINUTES } from './mutual-aid-rules';

const REF_TYPE = 'mutual_aid_request';

/**
 * Stored time (时间储蓄) in the TIME_MINUTES ledger: residents' balances, the cap a community sets,
 * gifts within a household, and the transfers of mutual aid (the hold of an asker who pays with
 * stored time, its release, the volunteer's credit). Every credit to a time wallet first locks the
 * wallet within the cap (409 `TIME_CAP_REACHED`, nothing written); every transfer id of a request
 * is derived from it, so a retried step never moves minutes twice.
 */
@Injectable()
export class TimeAccountsService {
  constructor(
    private readonly ledger: LedgerService,
    private readonly regions: RegionsService,
    private readonly residents: HouseholdQueries,
    private readonly households: HouseholdsService,
    private readonly idempotency: IdempotencyService,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  /** The most minutes a resident of this community may store. */
  async capOf(communityId: string): Promise<number> {
    return (await this.regions.profileOf(communityId))?.maxStoredMinutes ?? DEFAULT_MAX_STORED_MINUTES;
  }

  /** GET /me/time-account. */
  async account(actor: Actor): Promise<TimeAccount> {
    const me = await this.residents.resident(this.db.manager, actor.id);
    if (!me) throw notFound('resident', actor.id);
    const b = await this.ledger.timeBalanceIn(this.db.manager, actor.id);
    return { minutes: b.available, heldMinutes: b.held, capMinutes: await this.capOf(me.communityId) };
  }

  /** Minutes a resident can spend now (for an early refusal; the hold is the real check). */
  async availableIn(tx: EntityManager, residentId: string): Promise<number> {
    return (await this.ledger.timeBalanceIn(tx, residentId)).available;
  }

  /** POST /time-accounts/gifts: stored minutes to another member of the giver's household. */
  async gift(actor: Actor, dto: TimeGiftDto, key?: string): Promise<TimeGift> {
    const to = await this.households.memberOf(actor, dto.toResidentId);
    return this.idempotency.run({ scope: `time-gifts:${actor.id}`, key, request: dto }, async (em) => {
      const from = await this.ledger.timeWalletOf(em, actor.id);
      const toWallet = await this.ledger.timeWalletOf(em, to.id);
      await this.lockWithinCap(em, toWallet, dto.minutes, to.communityId);
      const t = await this.ledger.transfer(em, {
        id: newId(),
        debitAccountId: from,
        creditAccountId: toWallet,
        amount: dto.minutes,
        code: 'time_gift',
        refType: 'user',
        refId: to.id,
      });
      return {
        id: t.id,
        fromResidentId: actor.id,
        toResidentId: to.id,
        minutes: t.amount,
        createdAt: new Date(t.createdAt).toISOString(),
      };
    });
  }

  /** Holds the asker's minutes for the volunteer who claimed a request paid with stored time. */
  async hold(tx: EntityManager, r: MutualAidRequest, volunteerId: string): Promise<string> {
    const id = this.ledger.deriveId('mutual-aid-hold', r.id);
    await this.ledger.transfer(tx, {
      id,
      debitAccountId: await this.ledger.timeWalletOf(tx, r.residentId),
      creditAccountId: await this.ledger.timeWalletOf(tx, volunteerId),
      amount: r.minutes,
      pending: true,
      code: 'time_hold',
      refType: REF_TYPE,
      refId: r.id,
    });
    return id;
  }

  /** Gives a cancelled request's held minutes back to the asker. */
  async release(tx: EntityManager, r: MutualAidRequest): Promise<void> {
    if (!r.holdTransferId) return;
    await this.ledger.void(tx, {
      id: this.ledger.deriveId('mutual-aid-release', r.id),
      pendingId: r.holdTransferId,
      code: 'time_release',
      refType: REF_TYPE,
      refId: r.id,
    });
  }

  /**
   * Credits the volunteer the completed minutes of a confirmed request, once: from the asker's hold
   * up to the hold (the rest of the hold goes back), the remainder issued by the community.
   */
  async creditVolunteer(tx: EntityManager, r: MutualAidRequest): Promise<number> {
    const minutes = r.completedMinutes!;
    const wallet = await this.ledger.timeWalletOf(tx, r.volunteerId!);
    await this.lockWithinCap(tx, wallet, minutes, r.communityId);
    const split = creditSplit(minutes, r.holdTransferId ? r.heldMinutes : null);
    if (r.holdTransferId)
      await this.ledger.post(tx, {
        id: this.ledger.deriveId('mutual-aid-payment', r.id),
        pendingId: r.holdTransferId,
        amount: split.fromHold,
        code: 'time_payment',
        refType: REF_TYPE,
        refId: r.id,
      });
    if (split.issued > 0)
      await this.ledger.transfer(tx, {
        id: this.ledger.deriveId('mutual-aid-credit', r.id),
        debitAccountId: await this.ledger.timeIssuanceOf(tx, r.communityId),
        creditAccountId: wallet,
        amount: split.issued,
        code: 'time_credit',
        refType: REF_TYPE,
        refId: r.id,
      });
    return minutes;
  }

  private async lockWithinCap(tx: EntityManager, wallet: string, minutes: number, communityId: string) {
    const cap = await this.capOf(communityId);
    if (!(await this.ledger.lockWithinCap(tx, wallet, minutes, cap)))
      throw refuse(
        'TIME_CAP_REACHED',
        { capMinutes: cap, minutes },
        `the credit would take the stored minutes past the cap of ${cap}`,
      );
  }
}
