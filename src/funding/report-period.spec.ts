import { instantOf, periodLabel, timeLabel } from './report-period';
import { breakable, breakPieces } from './report-text';

describe('report periods (Asia/Shanghai)', () => {
  it('reads a bare date as the start of that day in China, a date-time as it says', () => {
    expect(instantOf('2026-01-01').toISOString()).toBe('2025-12-31T16:00:00.000Z');
    expect(instantOf('2026-07-01').toISOString()).toBe('2026-06-30T16:00:00.000Z');
    expect(instantOf('2026-01-01T00:30+08:00').toISOString()).toBe('2025-12-31T16:30:00.000Z');
    expect(instantOf('2026-01-01T00:30:00Z').toISOString()).toBe('2026-01-01T00:30:00.000Z');
  });

  it('labels whole days with the last day included, other bounds with their times', () => {
    const from = instantOf('2026-01-01').toISOString();
    expect(periodLabel(from, instantOf('2026-07-01').toISOString())).toBe('2026-01-01 至 2026-06-30（含）');
    expect(periodLabel(from, instantOf('2026-01-02').toISOString())).toBe('2026-01-01 至 2026-01-01（含）');
    expect(periodLabel(from, '2026-01-01T04:00:00.000Z')).toBe(
      '2026-01-01 00:00 至 2026-01-01 12:00（不含）',
    );
    // Midnight UTC is 08:00 in China: not a whole day there.
    expect(periodLabel('2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z')).toBe(
      '2026-01-01 08:00 至 2026-02-01 08:00（不含）',
    );
    expect(timeLabel('2026-07-01T02:03:04.000Z')).toBe('2026-07-01 10:03');
  });
});

describe('report line breaks', () => {
  it('breaks between Chinese characters and after spaces, never before closing punctuation', () => {
    expect(breakPieces('资金收入 12,345.67 元，其中')).toEqual([
      '资',
      '金',
      '收',
      '入 ',
      '12,345.67 ',
      '元，',
      '其',
      '中',
    ]);
    expect(breakPieces('Sunrise 社区 No.3')).toEqual(['Sunrise ', '社', '区 ', 'No.3']);
    expect(breakPieces('（含）')).toEqual(['（含）']);
    expect(breakable('a', 'b')).toBe(false);
    expect(breakable('-', 'b')).toBe(true);
  });
});
