import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Actor, isStaff } from '../common/actor';
import { invalid, notFound, refuse } from '../common/errors';
import { IdempotencyService } from '../common/idempotency.service';
import { newId } from '../common/ids';
import { bestLevel } from '../earning/credit-levels';
import { CreditService } from '../earning/credit.service';
import { HouseholdQueries, HouseholdResident } from '../identity/households.queries';
import { LedgerService } from '../ledger/ledger.service';
import { RegionsService } from '../regions/regions.service';
import { HouseholdGiftDto } from './dto/households.dto';
import { Household, HouseholdGift } from './dto/households.views';

/**
 * Households (户): the active residents of a community with one household number. Their view
 * (members' points and the year's earnings, the household's credit level: the best of its members,
 * as AAA级信用户 are counted) and gifts between members, of points here and of stored minutes in
 * mutual aid (both ask `memberOf` first).
 */
@Injectable()
export class HouseholdsService {
  constructor(
    private readonly households: HouseholdQueries,
    private readonly regions: RegionsService,
    private readonly ledger: LedgerService,
    private readonly credit: CreditService,
    private readonly idempotency: IdempotencyService,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  /** GET /households/:householdNo: its members, or community staff of its community's scope. */
  async view(actor: Actor, householdNo: string, communityId = actor.regionId): Promise<Household> {
    if (!communityId) throw invalid('communityId', 'name the household’s community');
    await this.regions.getCommunityInScope(actor, communityId);
    if (!isStaff(actor)) {
      const me = await this.households.resident(this.db.manager, actor.id);
      if (!me || me.communityId !== communityId || me.householdNo !== householdNo)
        throw notFound('household', householdNo);
    }
    const members = await this.households.members(this.db.manager, communityId, householdNo);
    if (!members.length) throw notFound('household', householdNo);
    const rows = await Promise.all(
      members.map(async (m) => {
        const [wallet, standing] = await Promise.all([
          this.ledger.walletBalance(m.id),
          this.credit.levelOf(m.id),
        ]);
        return {
          residentId: m.id,
          displayName: m.displayName,
          available: wallet.available,
          earnedPoints: standing.earnedPoints,
          creditLevel: standing.level,
          year: standing.year,
        };
      }),
    );
    return {
      householdNo,
      communityId,
      year: rows[0].year,
      members: rows.map(({ year: _year, ...m }) => m),
      earnedPoints: rows.reduce((s, m) => s + m.earnedPoints, 0),
      creditLevel: bestLevel(rows.map((m) => m.creditLevel)),
    };
  }

  /**
   * Another active resident of the caller's household: 404 outside the caller's community (like a
   * missing one), 422 `NOT_SAME_HOUSEHOLD` for a neighbour of another household.
   */
  async memberOf(actor: Actor, residentId: string, field = 'toResidentId'): Promise<HouseholdResident> {
    const [me, to] = await Promise.all([
      this.households.resident(this.db.manager, actor.id),
      this.households.resident(this.db.manager, residentId),
    ]);
    if (!me) throw notFound('resident', actor.id);
    if (!to || to.communityId !== me.communityId) throw notFound('resident', residentId);
    if (to.id === me.id) throw invalid(field, 'must be another member of your household');
    if (!me.householdNo || me.householdNo !== to.householdNo)
      throw refuse(
        'NOT_SAME_HOUSEHOLD',
        { [field]: residentId },
        'gifts go only to members of your own household',
      );
    return to;
  }

  /** POST /households/gifts: points to another member of the giver's household, through the ledger. */
  async gift(actor: Actor, dto: HouseholdGiftDto, key?: string): Promise<HouseholdGift> {
    const to = await this.memberOf(actor, dto.toResidentId);
    return this.idempotency.run({ scope: `household-gifts:${actor.id}`, key, request: dto }, async (em) => {
      const t = await this.ledger.transfer(em, {
        id: newId(),
        debitAccountId: await this.ledger.walletOf(em, actor.id),
        creditAccountId: await this.ledger.walletOf(em, to.id),
        amount: dto.points,
        code: 'household_gift',
        refType: 'user',
        refId: to.id,
      });
      return {
        id: t.id,
        fromResidentId: actor.id,
        toResidentId: to.id,
        points: t.amount,
        createdAt: new Date(t.createdAt).toISOString(),
      };
    });
  }
}
