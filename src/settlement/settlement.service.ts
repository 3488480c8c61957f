import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, hasRole, PARTNER_STAFF_ROLES } from '../common/actor';
import { forbidden, invalid, notFound, refuse } from '../common/errors';
import { newId } from '../common/ids';
import { TransactionService } from '../database/transaction.service';
import { communityAccount } from '../funding/community-account';
import { LedgerService } from '../ledger/ledger.service';
import { SettlementLedgerQueries } from '../ledger/settlement.queries';
import { SettlementOrderQueries } from '../orders/settlement.queries';
import { RegionReportQueries } from '../regions/region-report.queries';
import { RegionEntity, RegionsService } from '../regions/regions.service';
import { SettlementPlacesQueries } from '../regions/settlement-places.queries';
import { SettlementLine, SettlementStatement } from './dto/settlement.views';
import { draftLines, LineDraft, lineKey, periodOf, SettlementPeriod } from './settlement-rules';
import { SettlementLineRow, SettlementRepository } from './settlement.repository';

/** Whose lines a caller reads: the paying communities under a region, optionally of one provider. */
interface View {
  region: RegionEntity;
  providerId: string | null;
}

type Line = LineDraft & Pick<SettlementLine, 'status' | 'code' | 'transferId'>;

const fromRow = (r: SettlementLineRow): Line => ({
  payerCommunityId: r.payer_community_id,
  providerOrganizationId: r.provider_organization_id,
  points: Number(r.points),
  pointValueFen: Number(r.point_value_fen),
  amountFen: Number(r.amount_fen),
  status: r.status,
  ...(r.code ? { code: r.code } : {}),
  ...(r.transfer_id ? { transferId: r.transfer_id } : {}),
});

/** A region and its ancestors: the ids in its path. */
const lineageOf = (path: string): string[] => path.split('/').filter(Boolean);

/**
 * City-wide settlement (通兑): what a community owes the providers based in other communities for
 * the points its residents redeemed there, month by month, from the ledger's `redeem` posts. Open
 * months are computed at today's point values; closing a month freezes its lines (one row per
 * month, payer and provider) and moves the money from each paying community's fund to the
 * provider's `provider_payable` account, once per line.
 */
@Injectable()
export class SettlementService {
  constructor(
    private readonly tx: TransactionService,
    private readonly ledger: LedgerService,
    private readonly redeemed: SettlementLedgerQueries,
    private readonly orders: SettlementOrderQueries,
    private readonly places: SettlementPlacesQueries,
    private readonly regionIds: RegionReportQueries,
    private readonly regions: RegionsService,
    private readonly repo: SettlementRepository,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async statement(actor: Actor, q: { regionId?: string; period: string }): Promise<SettlementStatement> {
    const period = periodOf(q.period);
    return this.statementOf(this.db.manager, await this.viewOf(actor, q.regionId), period);
  }

  /**
   * Freezes the month's lines of the paying communities under the region and posts each open line
   * (a line frozen before, by this region or another, stays as it was). Closing again changes
   * nothing: the close and the lines are recorded once, a line is posted under its row's lock once,
   * with a transfer id derived from the month, payer and provider.
   */
  async close(actor: Actor, dto: { regionId: string; period: string }): Promise<SettlementStatement> {
    const period = periodOf(dto.period);
    const region = await this.regions.getInScope(actor, dto.regionId);
    if (period.to.getTime() > Date.now())
      throw refuse(
        'PERIOD_NOT_ENDED',
        { period: period.period, endsAt: period.to.toISOString() },
        'only a month that has ended can be closed',
      );
    await this.tx.run(async (em) => {
      await this.repo.upsertClose(em, region.id, period.period, actor.id);
      const drafts = await this.draft(em, region.path, period, null);
      await this.repo.insertLines(
        em,
        period.period,
        region.id,
        drafts.map((d) => ({ ...d, id: newId() })),
      );
    });
    const payers = await this.regionIds.idsUnder(this.db.manager, region.path);
    for (const line of await this.repo.lines(this.db.manager, period.period, payers, null))
      if (line.status === 'open') await this.tx.run((em) => this.post(em, line.id));
    return this.statementOf(this.db.manager, { region, providerId: null }, period);
  }

  /**
   * Pays one open line from the payer's community fund, under the line's lock and the fund's: a
   * fund whose balance cannot cover the line leaves it `unpaid` (INSUFFICIENT_FUNDS); nothing is
   * paid in part.
   */
  private async post(tx: EntityManager, lineId: string): Promise<void> {
    const line = await this.repo.lock(tx, lineId);
    if (!line || line.status !== 'open') return;
    const amount = Number(line.amount_fen);
    if (amount === 0) {
      await this.repo.settle(tx, line.id, { status: 'paid', transferId: null });
      return;
    }
    const fund = await communityAccount(this.ledger, tx, line.payer_community_id, 'community_fund');
    const payable = await this.ledger.providerPayableOf(tx, line.provider_organization_id);
    const b = (await this.ledger.lockBalancesIn(tx, [fund])).get(fund)!;
    if (b.creditsPosted - b.debitsPosted - b.debitsPending < amount) {
      await this.repo.settle(tx, line.id, { status: 'unpaid', code: 'INSUFFICIENT_FUNDS' });
      return;
    }
    const transfer = await this.ledger.transfer(tx, {
      id: this.ledger.deriveId(
        'settlement',
        line.period,
        line.payer_community_id,
        line.provider_organization_id,
      ),
      debitAccountId: fund,
      creditAccountId: payable,
      amount,
      code: 'settlement',
      refType: 'settlement_line',
      refId: line.id,
    });
    await this.repo.settle(tx, line.id, { status: 'paid', transferId: transfer.id });
  }

  /** The month's lines as computed from the ledger now (payers under `path`; one provider's, when given). */
  private async draft(
    tx: EntityManager,
    path: string,
    period: SettlementPeriod,
    providerId: string | null,
  ): Promise<LineDraft[]> {
    const redeemed = (await this.redeemed.redeemedByOrder(tx, period.from, period.to)).filter(
      (r) => !providerId || r.providerOrganizationId === providerId,
    );
    const payerOf = await this.orders.payers(
      tx,
      redeemed.map((r) => r.orderId),
    );
    const payers = await this.places.payers(tx, [...payerOf.values()]);
    const providers = await this.places.providers(
      tx,
      redeemed.map((r) => r.providerOrganizationId),
    );
    const inRegion = new Map([...payerOf].filter(([, c]) => payers.get(c)?.path.startsWith(path)));
    return draftLines(
      redeemed,
      inRegion,
      new Map([...providers].map(([id, p]) => [id, p.regionId])),
      (c) => payers.get(c)!.pointValueFen,
    );
  }

  private async statementOf(
    tx: EntityManager,
    view: View,
    period: SettlementPeriod,
  ): Promise<SettlementStatement> {
    const close = await this.repo.closeAmong(tx, period.period, lineageOf(view.region.path));
    const payerIds = await this.regionIds.idsUnder(tx, view.region.path);
    const frozen = (await this.repo.lines(tx, period.period, payerIds, view.providerId)).map(fromRow);
    const lines = new Map<string, Line>();
    if (!close)
      for (const d of await this.draft(tx, view.region.path, period, view.providerId))
        lines.set(lineKey(d), { ...d, status: 'open' });
    for (const l of frozen) lines.set(lineKey(l), l);
    const all = [...lines.values()].sort((a, b) => (lineKey(a) < lineKey(b) ? -1 : 1));
    const payers = await this.places.payers(
      tx,
      all.map((l) => l.payerCommunityId),
    );
    const providers = await this.places.providers(
      tx,
      all.map((l) => l.providerOrganizationId),
    );
    const sum = (of: (l: Line) => number) => all.reduce((s, l) => s + of(l), 0);
    return {
      period: period.period,
      regionId: view.region.id,
      status: close ? 'closed' : 'open',
      closedAt: close?.closedAt ?? null,
      lines: all.map((l) => ({
        ...l,
        payerCommunityName: payers.get(l.payerCommunityId)?.name ?? '',
        providerOrganizationName: providers.get(l.providerOrganizationId)?.name ?? '',
      })),
      totals: {
        points: sum((l) => l.points),
        amountFen: sum((l) => l.amountFen),
        paidFen: sum((l) => (l.status === 'paid' ? l.amountFen : 0)),
        unpaidFen: sum((l) => (l.status === 'unpaid' ? l.amountFen : 0)),
      },
    };
  }

  /**
   * Street offices and city administrators read every line of a region in their scope, a community
   * administrator their own community's (as payer), provider staff their organisation's lines from
   * any community of their city.
   */
  private async viewOf(actor: Actor, regionId?: string): Promise<View> {
    if (hasRole(actor, 'street_officer', 'city_admin', 'community_admin')) {
      const id = regionId ?? actor.regionId;
      if (!id) throw invalid('regionId', 'is required for the platform administrator');
      return { region: await this.regions.getInScope(actor, id), providerId: null };
    }
    if (hasRole(actor, ...PARTNER_STAFF_ROLES) && actor.organizationId && actor.regionPath) {
      const city = lineageOf(actor.regionPath)[0];
      const region = await this.regions.get(regionId ?? city);
      if (!region || !region.path.startsWith(`/${city}/`)) throw notFound('region', regionId);
      return { region, providerId: actor.organizationId };
    }
    throw forbidden(
      'settlements are read by street offices, city and community administrators and providers',
    );
  }
}
