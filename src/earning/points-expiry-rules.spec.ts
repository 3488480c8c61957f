import { asOfInstant, chinaDate, cutYearOf, expirable, expiresAtOf, noticeDue } from './points-expiry-rules';

describe('points expiry rules', () => {
  it('expires the points of 2025 at 2027-01-01 with one valid year, not those of 2026', () => {
    const asOf = asOfInstant('2027-01-01');
    expect(asOf.toISOString()).toBe('2026-12-31T16:00:00.000Z');
    expect(cutYearOf(asOf, 1)).toBe(2025);
    expect(cutYearOf(new Date(asOf.getTime() - 1), 1)).toBe(2024);
    expect(cutYearOf(asOfInstant('2027-12-31'), 1)).toBe(2025);
    expect(cutYearOf(asOfInstant('2028-01-01'), 2)).toBe(2025);
    expect(chinaDate(expiresAtOf(2025, 1))).toBe('2027-01-01');
    expect(asOfInstant('2027-01-01T00:00:00Z').toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  it('takes spending from the oldest points first and never what is held', () => {
    // 100 earned in 2025, 50 in 2026; 80 spent: 20 of 2025's are left to expire.
    expect(expirable(100, 80, 0)).toBe(20);
    // 100 earned in 2025, 60 held by an open order: 40 expire, the held 60 do not.
    expect(expirable(100, 0, 60)).toBe(40);
    // spent more than the old points: nothing of them is left.
    expect(expirable(100, 130, 0)).toBe(0);
    // a second run: the first run's expiry counts as a debit.
    expect(expirable(100, 80 + 20, 0)).toBe(0);
  });

  it('tells residents 30 days before the year end, not 31', () => {
    const at30 = new Date('2026-12-01T16:00:00Z');
    expect(noticeDue(at30, 1)).toEqual({ cutYear: 2025, expiresAt: new Date('2026-12-31T16:00:00Z') });
    expect(noticeDue(new Date(at30.getTime() - 1000), 1)).toBeNull();
    expect(noticeDue(new Date('2026-06-01T00:00:00Z'), 1)).toBeNull();
    expect(noticeDue(new Date('2026-12-31T15:59:00Z'), 2)).toMatchObject({ cutYear: 2024 });
  });
});
