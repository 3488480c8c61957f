import {
  atLeast,
  bestLevel,
  creditLevelFor,
  defaultEntitlementsFor,
  thresholdProblems,
} from './credit-levels';
import { earningYearOf, monthRange, yearRange } from './earning-period';

describe('credit levels', () => {
  it.each([
    [426, 'AAA'],
    [181, 'AAA'],
    [180, 'AAA'],
    [179, 'AA'],
    [120, 'AA'],
    [119, 'A'],
    [60, 'A'],
    [59, 'NONE'],
    [0, 'NONE'],
    [-5, 'NONE'],
  ])('%i earned points is %s by default', (points, level) => {
    expect(creditLevelFor(points)).toBe(level);
  });

  it('uses a region’s own thresholds', () => {
    const t = { aaa: 150, aa: 100, a: 20 };
    expect(creditLevelFor(150, t)).toBe('AAA');
    expect(creditLevelFor(149, t)).toBe('AA');
    expect(creditLevelFor(20, t)).toBe('A');
    expect(creditLevelFor(19, t)).toBe('NONE');
  });

  it('orders levels', () => {
    expect(atLeast('AAA', 'AA')).toBe(true);
    expect(atLeast('AA', 'AA')).toBe(true);
    expect(atLeast('A', 'AA')).toBe(false);
    expect(atLeast('NONE', 'A')).toBe(false);
  });

  it('checks thresholds: positive integers, strictly decreasing', () => {
    expect(thresholdProblems({ aaa: 180, aa: 120, a: 60 })).toEqual([]);
    expect(thresholdProblems({ aaa: 100, aa: 100, a: 60 })).toEqual([
      { field: 'aa', problems: ['must be below aaa'] },
    ]);
    expect(thresholdProblems({ aaa: 100, aa: 50, a: 50 }).map((p) => p.field)).toEqual(['a']);
    expect(thresholdProblems({ aaa: 0, aa: 1.5, a: 1 }).map((p) => p.field)).toEqual(['aaa', 'aa']);
  });

  it('opens the seed’s perks to AAA households', () => {
    expect(defaultEntitlementsFor('AAA').find((e) => e.kind === 'canteen_meal')?.yearlyQuota).toBe(10);
    expect(defaultEntitlementsFor('NONE')).toEqual([]);
  });
});

describe('earning year (China time, UTC+8)', () => {
  it('starts the year at 16:00 UTC on 31 December', () => {
    expect(yearRange(2026)).toEqual({
      from: new Date('2025-12-31T16:00:00.000Z'),
      to: new Date('2026-12-31T16:00:00.000Z'),
    });
    expect(earningYearOf(new Date('2025-12-31T15:59:59.999Z'))).toBe(2025);
    expect(earningYearOf(new Date('2025-12-31T16:00:00.000Z'))).toBe(2026);
  });

  it('has months', () => {
    expect(monthRange(2026, 2)).toEqual({
      from: new Date('2026-01-31T16:00:00.000Z'),
      to: new Date('2026-02-28T16:00:00.000Z'),
    });
    expect(monthRange(2026, 12).to).toEqual(yearRange(2026).to);
  });
});

describe('best level (a household: the best of its members)', () => {
  it('takes the highest level, NONE for none', () => {
    expect(bestLevel(['A', 'AAA', 'NONE'])).toBe('AAA');
    expect(bestLevel(['NONE', 'AA', 'A'])).toBe('AA');
    expect(bestLevel(['NONE'])).toBe('NONE');
    expect(bestLevel([])).toBe('NONE');
  });
});
