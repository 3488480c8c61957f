import { Injectable } from '@nestjs/common';
import { Actor, hasRole, Role } from '../common/actor';
import { notFound, refuse } from '../common/errors';
import { newId } from '../common/ids';
import { decodeCursor, Page, pageLimit, TIME_ID, toPage } from '../common/pagination';
import { TransactionService } from '../database/transaction.service';
import { AwardsService } from '../earning/awards.service';
import { maskName } from '../common/masking';
import { ResidentDirectory } from '../identity/resident-directory.queries';
import { LedgerService } from '../ledger/ledger.service';
import { NoticesService } from '../notices/notices.service';
import { RegionsService } from '../regions/regions.service';
import { appealWindowEnd, appealWindowOpen, decisionNotice } from './appeal-rules';
import { AppealRow, AppealsRepository } from './appeals.repository';
import { AppealsQuery, CreateAppealDto, DecideAppealDto, MyAppealsQuery } from './dto/appeals.dto';
import { AppealStatus } from './entities/appeal.entity';

/** Who decides appeals: community staff of the deduction's community (not the one who deducted). */
export const DECIDING_ROLES: Role[] = ['community_admin', 'community_staff'];
/** Who lists appeals of their scope. */
export const APPEAL_STAFF_ROLES: Role[] = [
  'city_admin',
  'street_officer',
  'community_admin',
  'community_staff',
  'grid_worker',
];

export interface AppealView {
  id: string;
  status: AppealStatus;
  communityId: string;
  residentId: string;
  /** Full for staff and the resident; masked otherwise. */
  residentName: string | null;
  transferId: string;
  awardId: string;
  points: number;
  ruleName: string;
  deductedBy: string;
  reason: string;
  decidedBy: string | null;
  decidedAt: Date | null;
  comment: string | null;
  reversalTransferId: string | null;
  createdAt: Date;
}

const toView = (r: AppealRow, residentName: string | null): AppealView => ({
  id: r.id,
  status: r.status,
  communityId: r.community_id,
  residentId: r.resident_id,
  residentName,
  transferId: r.transfer_id,
  awardId: r.award_id,
  points: Number(r.points),
  ruleName: r.rule_name,
  deductedBy: r.deducted_by,
  reason: r.reason,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
  comment: r.decision_comment,
  reversalTransferId: r.reversal_transfer_id,
  createdAt: r.created_at,
});

/**
 * Appeals against deductions (申诉): the resident who was deducted appeals within 30 days (one open
 * appeal per deduction); community staff other than the one who deducted decide, once (a conditional
 * update on the pending state); upholding reverses the deduction with a compensating transfer whose
 * id derives from the appeal, and takes it off the yellow board. Every decision is published.
 */
@Injectable()
export class AppealsService {
  constructor(
    private readonly tx: TransactionService,
    private readonly appeals: AppealsRepository,
    private readonly awards: AwardsService,
    private readonly ledger: LedgerService,
    private readonly notices: NoticesService,
    private readonly regions: RegionsService,
    private readonly residents: ResidentDirectory,
  ) {}

  async create(actor: Actor, dto: CreateAppealDto): Promise<AppealView> {
    const id = newId();
    await this.tx.run(async (tx) => {
      const d = await this.awards.deductionByTransfer(tx, dto.transferId);
      if (!d || d.residentId !== actor.id) throw notFound('deduction', dto.transferId);
      if (d.reversedAt)
        throw refuse('ALREADY_DECIDED', { transferId: d.transferId }, 'this deduction was reversed already');
      if (!appealWindowOpen(new Date(d.createdAt), new Date()))
        throw refuse(
          'APPEAL_WINDOW_CLOSED',
          { transferId: d.transferId, closedAt: appealWindowEnd(new Date(d.createdAt)).toISOString() },
          'a deduction can be appealed within 30 days',
        );
      const inserted = await this.appeals.insertPending(tx, {
        id,
        community_id: d.communityId,
        resident_id: d.residentId,
        award_id: d.awardId,
        transfer_id: d.transferId,
        points: d.points,
        rule_name: d.ruleName,
        deducted_by: d.awardedBy,
        reason: dto.reason.trim(),
      });
      if (!inserted)
        throw refuse('ALREADY_EXISTS', { transferId: d.transferId }, 'this deduction has an open appeal');
    });
    return this.view(actor, (await this.appeals.find(id))!);
  }

  /** Uphold (reverse once) or reject; a decided appeal is a 409 ALREADY_DECIDED. */
  async decide(actor: Actor, id: string, dto: DecideAppealDto): Promise<AppealView> {
    const appeal = await this.visible(actor, id);
    if (appeal.deducted_by === actor.id || appeal.resident_id === actor.id)
      throw refuse(
        'SELF_REVIEW_FORBIDDEN',
        { appealId: id },
        'you made this deduction: another staff member decides',
      );
    if (appeal.status !== 'pending') throw this.decided(appeal);
    const uphold = dto.decision === 'uphold';
    const reversalId = uphold ? this.ledger.deriveId('appeal', id) : null;
    await this.tx.run(async (tx) => {
      const won = await this.appeals.decide(tx, {
        id,
        status: uphold ? 'upheld' : 'rejected',
        decidedBy: actor.id,
        comment: dto.comment?.trim() || null,
        reversalTransferId: reversalId,
      });
      if (!won) throw this.decided((await this.appeals.find(id))!);
      if (uphold) {
        const d = (await this.awards.deductionByTransfer(tx, appeal.transfer_id))!;
        const reversal = { transferId: reversalId!, refType: 'appeal', refId: id };
        if (!(await this.awards.reverseDeduction(tx, d, reversal)))
          throw refuse('ALREADY_DECIDED', { appealId: id }, 'this deduction was reversed already');
      }
      const name = (await this.residents.displayNames([appeal.resident_id])).get(appeal.resident_id);
      await this.notices.publish(
        tx,
        decisionNotice(
          { id, communityId: appeal.community_id, ruleName: appeal.rule_name, points: Number(appeal.points) },
          dto.decision,
          maskName(name),
        ),
      );
    });
    return this.view(actor, (await this.appeals.find(id))!);
  }

  async get(actor: Actor, id: string): Promise<AppealView> {
    return this.view(actor, await this.visible(actor, id));
  }

  /** Staff: the appeals of their scope (one community, one status). */
  async list(actor: Actor, q: AppealsQuery): Promise<Page<AppealView>> {
    if (q.communityId) await this.regions.getCommunityInScope(actor, q.communityId);
    const limit = pageLimit(q);
    const rows = await this.appeals.list({
      communityId: q.communityId,
      communityIds:
        !q.communityId && actor.regionPath !== null ? this.regions.idsUnder(actor.regionPath) : undefined,
      status: q.status,
      cursor: decodeCursor(q.cursor, TIME_ID),
      limit: limit + 1,
    });
    return this.page(actor, rows, limit);
  }

  /** A resident: their own appeals. */
  async mine(actor: Actor, q: MyAppealsQuery): Promise<Page<AppealView>> {
    const limit = pageLimit(q);
    const rows = await this.appeals.list({
      residentId: actor.id,
      status: q.status,
      cursor: decodeCursor(q.cursor, TIME_ID),
      limit: limit + 1,
    });
    return this.page(actor, rows, limit);
  }

  private async page(actor: Actor, rows: AppealRow[], limit: number): Promise<Page<AppealView>> {
    const page = toPage(rows, limit, (r) => [new Date(r.created_at).toISOString(), r.id]);
    const names = await this.residents.displayNames([...new Set(page.items.map((r) => r.resident_id))]);
    return {
      items: page.items.map((r) => toView(r, this.nameFor(actor, r, names.get(r.resident_id)))),
      nextCursor: page.nextCursor,
    };
  }

  /** The appeal, for the resident who made it or staff of its community's scope; 404 otherwise. */
  private async visible(actor: Actor, id: string): Promise<AppealRow> {
    const appeal = await this.appeals.find(id);
    if (!appeal) throw notFound('appeal', id);
    if (appeal.resident_id === actor.id) return appeal;
    if (!hasRole(actor, ...APPEAL_STAFF_ROLES)) throw notFound('appeal', id);
    await this.regions.getCommunityInScope(actor, appeal.community_id).catch(() => {
      throw notFound('appeal', id);
    });
    return appeal;
  }

  private decided(appeal: AppealRow) {
    return refuse(
      'ALREADY_DECIDED',
      { appealId: appeal.id, status: appeal.status },
      `the appeal was decided already (${appeal.status})`,
    );
  }

  private nameFor(actor: Actor, r: AppealRow, name: string | undefined): string | null {
    if (name === undefined) return null;
    return r.resident_id === actor.id || hasRole(actor, ...APPEAL_STAFF_ROLES) ? name : maskName(name);
  }

  private async view(actor: Actor, r: AppealRow): Promise<AppealView> {
    const names = await this.residents.displayNames([r.resident_id]);
    return toView(r, this.nameFor(actor, r, names.get(r.resident_id)));
  }
}
