import { draftLines, periodOf, PERIOD_PATTERN } from './settlement-rules';

describe('settlement rules', () => {
  it('reads a month on China time', () => {
    const p = periodOf('2026-11');
    expect(p.from.toISOString()).toBe('2026-10-31T16:00:00.000Z');
    expect(p.to.toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(periodOf('2026-12').to.toISOString()).toBe('2026-12-31T16:00:00.000Z');
    for (const bad of ['2026-13', '2026-1', '26-01', '2026-00', '2026-01-01', '1999-12'])
      expect(PERIOD_PATTERN.test(bad)).toBe(false);
  });

  it('sums cross-community redemptions per payer and provider at the payer’s point value', () => {
    const redeemed = [
      { orderId: 'o1', providerOrganizationId: 'm1', points: 30 },
      { orderId: 'o2', providerOrganizationId: 'm1', points: 20 },
      { orderId: 'o3', providerOrganizationId: 'm1', points: 40 },
      { orderId: 'o4', providerOrganizationId: 'm2', points: 10 },
    ];
    const payerOf = new Map([
      ['o1', 'P'],
      ['o2', 'P'],
      ['o3', 'D'],
      ['o4', 'P'],
    ]);
    const regionOf = new Map([
      ['m1', 'D'],
      ['m2', 'S'],
    ]);
    const lines = draftLines(redeemed, payerOf, regionOf, (c) => (c === 'P' ? 100 : 50));
    expect(lines).toEqual([
      {
        payerCommunityId: 'P',
        providerOrganizationId: 'm1',
        points: 50,
        pointValueFen: 100,
        amountFen: 5000,
      },
      {
        payerCommunityId: 'P',
        providerOrganizationId: 'm2',
        points: 10,
        pointValueFen: 100,
        amountFen: 1000,
      },
    ]);
  });
});
