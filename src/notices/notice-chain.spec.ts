import {
  canonicalNotice,
  chainStart,
  ChainedNotice,
  finishVerification,
  GENESIS_HASH,
  isDisplayed,
  noticeHash,
  NoticeContent,
  verifyNotices,
} from './notice-chain';

const C = '11111111-1111-4111-8111-111111111111';

function chain(n: number): ChainedNotice[] {
  const out: ChainedNotice[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const content: NoticeContent = {
      communityId: C,
      seq,
      kind: 'award',
      summary: `张*红 认领树木 +${seq} 分`,
      refType: 'award',
      refId: `ref-${seq}`,
      createdAt: new Date(Date.UTC(2026, 0, seq, 8, 0, 0, 123)),
    };
    const hash = noticeHash(prev, content);
    out.push({ ...content, prevHash: prev, hash });
    prev = hash;
  }
  return out;
}

describe('notice chain', () => {
  it('writes canonical JSON: sorted keys, no spaces, times as ISO strings', () => {
    const [n] = chain(1);
    expect(canonicalNotice(n)).toBe(
      `{"communityId":"${C}","createdAt":"2026-01-01T08:00:00.123Z","kind":"award","refId":"ref-1",` +
        `"refType":"award","seq":1,"summary":"张*红 认领树木 +1 分"}`,
    );
  });

  it('hashes sha256 over the previous hash and the canonical JSON (hex)', () => {
    const [n] = chain(1);
    expect(n.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(noticeHash(GENESIS_HASH, n)).toBe(n.hash);
    expect(noticeHash('f'.repeat(64), n)).not.toBe(n.hash);
  });

  it('verifies an intact chain, also page by page', () => {
    const rows = chain(7);
    const head = { length: 7, hash: rows[6].hash };
    expect(finishVerification(verifyNotices(chainStart(), rows), head)).toEqual({
      ok: true,
      firstBrokenSeq: null,
    });
    const paged = verifyNotices(verifyNotices(chainStart(), rows.slice(0, 3)), rows.slice(3));
    expect(finishVerification(paged, head)).toEqual({ ok: true, firstBrokenSeq: null });
    expect(finishVerification(verifyNotices(chainStart(), []), { length: 0, hash: GENESIS_HASH }).ok).toBe(
      true,
    );
  });

  it('names the first changed notice', () => {
    const rows = chain(5);
    rows[2] = { ...rows[2], summary: '改过的' };
    const at = verifyNotices(chainStart(), rows);
    expect(finishVerification(at, { length: 5, hash: rows[4].hash })).toEqual({
      ok: false,
      firstBrokenSeq: 3,
    });
  });

  it('finds a changed time, a recomputed hash (the next link breaks), a gap and a cut tail', () => {
    const head = (rows: ChainedNotice[]) => ({ length: 5, hash: chain(5)[4].hash, rows });
    const timeChanged = chain(5);
    timeChanged[1] = { ...timeChanged[1], createdAt: new Date(timeChanged[1].createdAt.getTime() + 1) };
    expect(verifyNotices(chainStart(), timeChanged).firstBrokenSeq).toBe(2);

    const rehashed = chain(5);
    rehashed[1] = { ...rehashed[1], summary: 'x' };
    rehashed[1].hash = noticeHash(rehashed[1].prevHash, rehashed[1]);
    expect(verifyNotices(chainStart(), rehashed).firstBrokenSeq).toBe(3);

    const gap = chain(5).filter((r) => r.seq !== 4);
    expect(verifyNotices(chainStart(), gap).firstBrokenSeq).toBe(4);

    const cut = chain(5).slice(0, 3);
    expect(finishVerification(verifyNotices(chainStart(), cut), head(cut))).toEqual({
      ok: false,
      firstBrokenSeq: 4,
    });
  });

  it('displays a notice for 7 days', () => {
    const at = new Date('2026-01-01T00:00:00.000Z');
    expect(isDisplayed(at, new Date('2026-01-07T23:59:59.999Z'))).toBe(true);
    expect(isDisplayed(at, new Date('2026-01-08T00:00:00.000Z'))).toBe(false);
  });
});
