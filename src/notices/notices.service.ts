import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor, hasRole, Role } from '../common/actor';
import { forbidden, notFound, refuse } from '../common/errors';
import { newId } from '../common/ids';
import { decodeCursor, Page, pageLimit, TIME_ID, toPage } from '../common/pagination';
import { RegionsService } from '../regions/regions.service';
import { NoticesQuery, ObjectionDto, ObjectionsQuery } from './dto/notices.dto';
import {
  chainStart,
  finishVerification,
  GENESIS_HASH,
  isDisplayed,
  NOTICE_DISPLAY_DAYS,
  NoticeKind,
  noticeHash,
  verifyNotices,
} from './notice-chain';
import { NoticeRow, NoticesRepository, ObjectionRow, toChained } from './notices.repository';

/** Who reads the objections to a community's notices (staff of its scope). */
export const NOTICE_STAFF_ROLES: Role[] = [
  'city_admin',
  'street_officer',
  'community_admin',
  'community_staff',
  'grid_worker',
];

/** Notices verified per query. */
const VERIFY_BATCH = 1000;
const DAY_MS = 24 * 3600_000;

/** What a module publishes: the community, what happened and the object it happened to. */
export interface NoticeInput {
  communityId: string;
  kind: NoticeKind;
  /** One line, as residents read it (names masked). At most 500 characters. */
  summary: string;
  refType: string;
  refId: string;
}

export interface NoticeView {
  seq: number;
  kind: string;
  summary: string;
  refType: string;
  refId: string;
  createdAt: Date;
  prevHash: string;
  hash: string;
  /** The end of the display period: residents may object until then. */
  displayUntil: Date;
}

export interface VerificationView {
  ok: boolean;
  length: number;
  head: string;
  firstBrokenSeq?: number;
}

export interface ObjectionView {
  id: string;
  communityId: string;
  seq: number;
  residentId: string;
  reason: string;
  createdAt: Date;
}

const toView = (r: NoticeRow): NoticeView => ({
  seq: Number(r.seq),
  kind: r.kind,
  summary: r.summary,
  refType: r.ref_type,
  refId: r.ref_id,
  createdAt: r.created_at,
  prevHash: r.prev_hash,
  hash: r.hash,
  displayUntil: new Date(new Date(r.created_at).getTime() + NOTICE_DISPLAY_DAYS * DAY_MS),
});

const toObjection = (r: ObjectionRow): ObjectionView => ({
  id: r.id,
  communityId: r.community_id,
  seq: Number(r.seq),
  residentId: r.resident_id,
  reason: r.reason,
  createdAt: r.created_at,
});

/**
 * The public notice log (公示) of each community: append-only and hash-chained. Other modules publish
 * into it inside the transaction of the event (`publish(tx, ...)`), which locks the community's chain
 * head, so concurrent events take turns and the chain never forks; a rolled-back event leaves no
 * notice. Anyone in the community reads and verifies it; its residents object within 7 days.
 */
@Injectable()
export class NoticesService {
  constructor(
    private readonly notices: NoticesRepository,
    private readonly regions: RegionsService,
  ) {}

  /** Appends a notice to the community's chain, in the caller's transaction. */
  async publish(tx: EntityManager, n: NoticeInput): Promise<NoticeView> {
    const head = await this.notices.lockHead(tx, n.communityId, GENESIS_HASH);
    const content = {
      communityId: n.communityId,
      seq: head.length + 1,
      kind: n.kind,
      summary: n.summary.slice(0, 500),
      refType: n.refType,
      refId: n.refId,
      createdAt: new Date(),
    };
    const notice = { ...content, prevHash: head.hash, hash: noticeHash(head.hash, content) };
    await this.notices.append(tx, notice);
    return toView({
      community_id: notice.communityId,
      seq: notice.seq,
      kind: notice.kind,
      summary: notice.summary,
      ref_type: notice.refType,
      ref_id: notice.refId,
      created_at: notice.createdAt,
      prev_hash: notice.prevHash,
      hash: notice.hash,
    });
  }

  /** Whether the community's log has a notice about this object. */
  published(tx: EntityManager, communityId: string, refType: string, refId: string): Promise<boolean> {
    return this.notices.existsFor(tx, communityId, refType, refId);
  }

  /** Newest first, keyset-paged by seq. */
  async list(actor: Actor, communityId: string, q: NoticesQuery): Promise<Page<NoticeView>> {
    await this.regions.getCommunityInScope(actor, communityId);
    const limit = pageLimit(q);
    const cursor = decodeCursor(q.cursor, ['int']);
    const rows = await this.notices.page(communityId, cursor ? Number(cursor[0]) : null, limit + 1);
    const page = toPage(rows, limit, (r) => [Number(r.seq)]);
    return { items: page.items.map(toView), nextCursor: page.nextCursor };
  }

  /** Recomputes the whole chain from the rows and names the first notice that does not fit. */
  async verify(actor: Actor, communityId: string): Promise<VerificationView> {
    await this.regions.getCommunityInScope(actor, communityId);
    const head = (await this.notices.head(communityId)) ?? { length: 0, hash: GENESIS_HASH };
    let at = chainStart();
    let after = 0;
    for (;;) {
      const rows = await this.notices.chainAfter(communityId, after, VERIFY_BATCH);
      at = verifyNotices(at, rows.map(toChained));
      if (at.firstBrokenSeq !== null || rows.length < VERIFY_BATCH) break;
      after = Number(rows[rows.length - 1].seq);
    }
    const result = finishVerification(at, head);
    return {
      ok: result.ok,
      length: head.length,
      head: head.hash,
      ...(result.firstBrokenSeq !== null ? { firstBrokenSeq: result.firstBrokenSeq } : {}),
    };
  }

  /** A resident of the community objects to a notice within its display period (once). */
  async object(actor: Actor, seq: number, dto: ObjectionDto): Promise<ObjectionView> {
    await this.regions.getCommunityInScope(actor, dto.communityId);
    if (actor.regionId !== dto.communityId || !hasRole(actor, 'resident'))
      throw forbidden('only residents of the community object to its notices', {
        communityId: dto.communityId,
      });
    const notice = await this.notices.find(dto.communityId, seq);
    if (!notice) throw notFound('notice', String(seq));
    if (!isDisplayed(new Date(notice.created_at), new Date()))
      throw refuse(
        'OBJECTION_WINDOW_CLOSED',
        { seq, displayUntil: toView(notice).displayUntil.toISOString() },
        `objections are taken during the ${NOTICE_DISPLAY_DAYS}-day display period`,
      );
    const id = newId();
    const recorded = await this.notices.insertObjection({
      id,
      community_id: dto.communityId,
      seq,
      resident_id: actor.id,
      reason: dto.reason.trim(),
    });
    if (!recorded) throw refuse('ALREADY_EXISTS', { seq }, 'you have already objected to this notice');
    return toObjection((await this.notices.findObjection(id))!);
  }

  /** Staff of the community's scope: the objections, newest first. */
  async objections(actor: Actor, communityId: string, q: ObjectionsQuery): Promise<Page<ObjectionView>> {
    await this.regions.getCommunityInScope(actor, communityId);
    const limit = pageLimit(q);
    const cursor = decodeCursor(q.cursor, TIME_ID);
    const rows = await this.notices.objections(communityId, { seq: q.seq, cursor, limit: limit + 1 });
    const page = toPage(rows, limit, (r) => [new Date(r.created_at).toISOString(), r.id]);
    return { items: page.items.map(toObjection), nextCursor: page.nextCursor };
  }
}
