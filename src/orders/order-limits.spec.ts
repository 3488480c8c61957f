import { periodKey } from './order-limits';

describe('limit periods', () => {
  it('uses the local (UTC+8) calendar', () => {
    const lateUtc = new Date('2026-11-29T17:30:00Z'); // 01:30 on 30 November in Anhui
    expect(periodKey('day', lateUtc)).toBe('2026-11-30');
    expect(periodKey('month', lateUtc)).toBe('2026-11');
    expect(periodKey('year', new Date('2026-12-31T16:00:00Z'))).toBe('2027');
    expect(periodKey('year', new Date('2026-12-31T15:59:59Z'))).toBe('2026');
  });
});
