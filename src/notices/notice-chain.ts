import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** The hash chain of a community's notice log (公示): pure functions, no statements. */

/** The `prevHash` of a chain's first notice. */
export const GENESIS_HASH = '0'.repeat(64);

export const NOTICE_KINDS = [
  'award',
  'deduction',
  'declaration',
  'base_grant',
  'appeal_decision',
  'funding_report',
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/** How long a notice is displayed (and open to objections). */
export const NOTICE_DISPLAY_DAYS = 7;

/** What a notice's hash covers: every field but the hashes themselves. */
export interface NoticeContent {
  communityId: string;
  seq: number;
  kind: string;
  summary: string;
  refType: string;
  refId: string;
  createdAt: Date;
}

export interface ChainedNotice extends NoticeContent {
  prevHash: string;
  hash: string;
}

/** The canonical JSON (RFC 8785: sorted keys, no spaces) of a notice's content. */
export function canonicalNotice(n: NoticeContent): string {
  return canonicalize({
    communityId: n.communityId,
    seq: n.seq,
    kind: n.kind,
    summary: n.summary,
    refType: n.refType,
    refId: n.refId,
    createdAt: n.createdAt.toISOString(),
  })!;
}

/** sha256 (hex) over the previous hash and the canonical JSON of the notice. */
export const noticeHash = (prevHash: string, n: NoticeContent): string =>
  createHash('sha256')
    .update(prevHash + canonicalNotice(n))
    .digest('hex');

/** Where a verification stands after some notices: carried from one page of rows to the next. */
export interface ChainCursor {
  /** The seq the next notice must have. */
  nextSeq: number;
  /** The hash the next notice must name as `prevHash`. */
  prevHash: string;
  /** The first notice that does not fit, once one is found. */
  firstBrokenSeq: number | null;
}

export const chainStart = (): ChainCursor => ({ nextSeq: 1, prevHash: GENESIS_HASH, firstBrokenSeq: null });

/**
 * Checks the next notices (in seq order) against the chain so far: each must have the next seq, name
 * the previous notice's hash and hash to its own `hash`. The first one that does not is broken (a
 * missing seq breaks at the seq that is missing).
 */
export function verifyNotices(at: ChainCursor, rows: ChainedNotice[]): ChainCursor {
  if (at.firstBrokenSeq !== null) return at;
  let { nextSeq, prevHash } = at;
  for (const r of rows) {
    const fits = r.seq === nextSeq && r.prevHash === prevHash && noticeHash(prevHash, r) === r.hash;
    if (!fits) return { nextSeq, prevHash, firstBrokenSeq: Math.min(r.seq, nextSeq) };
    nextSeq = r.seq + 1;
    prevHash = r.hash;
  }
  return { nextSeq, prevHash, firstBrokenSeq: null };
}

/**
 * The end of a verification: the chain's recorded head (length and hash) must be where the notices
 * ended, else the notices after the last one found are missing (or the head was changed).
 */
export function finishVerification(
  at: ChainCursor,
  head: { length: number; hash: string },
): { ok: boolean; firstBrokenSeq: number | null } {
  if (at.firstBrokenSeq !== null) return { ok: false, firstBrokenSeq: at.firstBrokenSeq };
  const complete = at.nextSeq - 1 === head.length && at.prevHash === head.hash;
  return complete ? { ok: true, firstBrokenSeq: null } : { ok: false, firstBrokenSeq: at.nextSeq };
}

/** Whether a notice created at `createdAt` is still displayed (open to objections) at `now`. */
export const isDisplayed = (createdAt: Date, now: Date): boolean =>
  now.getTime() < createdAt.getTime() + NOTICE_DISPLAY_DAYS * 24 * 3600_000;
