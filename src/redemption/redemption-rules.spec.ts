import {
  AllowanceMeter,
  judgeVoucher,
  localDay,
  localDayStart,
  periodOf,
  processingOrder,
  scanTimeProblems,
} from './redemption-rules';

describe('redemption rules', () => {
  const deadline = new Date('2026-12-01T00:00:00Z');
  const before = new Date('2026-11-30T23:59:59Z');

  describe('judgeVoucher', () => {
    it('a ready voucher redeems before its deadline, not at or after it', () => {
      expect(judgeVoucher({ status: 'ready', expiresAt: deadline }, before)).toEqual({ ok: true });
      expect(judgeVoucher({ status: 'ready', expiresAt: deadline }, deadline)).toEqual({
        ok: false,
        code: 'VOUCHER_EXPIRED',
        dispute: 'expired',
      });
    });

    it('names the state that stops a scan and the dispute an offline scan becomes', () => {
      const at = (status: any) => judgeVoucher({ status, expiresAt: deadline }, before);
      expect(at('redeemed')).toEqual({ ok: false, code: 'ALREADY_REDEEMED', dispute: 'already_redeemed' });
      expect(at('cancelled')).toEqual({ ok: false, code: 'VOUCHER_CANCELLED', dispute: 'cancelled' });
      expect(at('failed')).toEqual({ ok: false, code: 'VOUCHER_CANCELLED', dispute: 'cancelled' });
      expect(at('expired')).toEqual({ ok: false, code: 'VOUCHER_EXPIRED', dispute: 'expired' });
      expect(at('pending')).toEqual({ ok: false, code: 'VOUCHER_NOT_READY', dispute: null });
    });

    it('judges an offline scan by when it was made, not when it arrives', () => {
      const made = new Date(deadline.getTime() - 60_000);
      expect(judgeVoucher({ status: 'ready', expiresAt: deadline }, made).ok).toBe(true);
    });
  });

  describe('AllowanceMeter', () => {
    it('flags the scan that would pass the count or the points, counting only what was added', () => {
      const m = new AllowanceMeter({ maxScans: 2, maxPoints: 100 });
      expect(m.exceeds(40)).toBe(false);
      m.add(40);
      expect(m.exceeds(70)).toBe(true); // 110 points
      expect(m.exceeds(60)).toBe(false); // exactly 100
      m.add(60);
      expect(m.exceeds(0)).toBe(true); // a third scan
    });

    it('a zero allowance flags everything', () => {
      expect(new AllowanceMeter({ maxScans: 0, maxPoints: 1000 }).exceeds(1)).toBe(true);
      expect(new AllowanceMeter({ maxScans: 10, maxPoints: 0 }).exceeds(1)).toBe(true);
    });
  });

  it('processes scans in the order they were made, keeping the batch order for equal times', () => {
    const scans = [
      { scannedAt: '2026-11-29T10:00:02Z' },
      { scannedAt: '2026-11-29T10:00:00Z' },
      { scannedAt: '2026-11-29T10:00:02Z' },
      { scannedAt: '2026-11-29T18:00:01+08:00' },
    ];
    expect(processingOrder(scans)).toEqual([1, 3, 0, 2]);
  });

  it('refuses scan times far in the future, naming the field', () => {
    const now = new Date('2026-11-29T10:00:00Z');
    const problems = scanTimeProblems(
      [
        { scannedAt: '2026-11-29T10:04:00Z' },
        { scannedAt: '2026-11-29T11:00:00Z' },
        { scannedAt: '2020-01-01T00:00:00Z' },
        { scannedAt: 'soon' },
      ],
      now,
    );
    expect(problems.map((p) => p.field)).toEqual(['scans[1].scannedAt', 'scans[3].scannedAt']);
  });

  describe('local days and periods (UTC+8)', () => {
    it('maps instants to local days', () => {
      expect(localDay(new Date('2026-11-29T15:59:59.999Z'))).toBe('2026-11-29');
      expect(localDay(new Date('2026-11-29T16:00:00Z'))).toBe('2026-11-30');
      expect(localDayStart('2026-11-30').toISOString()).toBe('2026-11-29T16:00:00.000Z');
    });

    it('a date range includes both local days; times are taken as they are', () => {
      const now = new Date('2026-11-29T10:00:00Z');
      expect(periodOf({ from: '2026-11-01', to: '2026-11-30' }, now)).toEqual({
        period: { from: new Date('2026-10-31T16:00:00Z'), to: new Date('2026-11-30T16:00:00Z') },
      });
      expect(periodOf({ from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z' }, now)).toEqual({
        period: { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-11-02T00:00:00Z') },
      });
    });

    it('defaults to the last days up to now', () => {
      const now = new Date('2026-11-29T10:00:00Z');
      expect(periodOf({}, now, { defaultDays: 7 })).toEqual({
        period: { from: new Date('2026-11-22T10:00:00Z'), to: now },
      });
    });

    it('refuses an empty, reversed or too long period', () => {
      const now = new Date('2026-11-29T10:00:00Z');
      expect(periodOf({ from: '2026-11-30', to: '2026-11-01' }, now)).toEqual({
        problems: [{ field: 'from', problems: ['must be before to'] }],
      });
      expect(periodOf({ from: '2025-01-01', to: '2026-11-01' }, now, { maxDays: 366 })).toMatchObject({
        problems: [{ field: 'to' }],
      });
    });
  });
});
