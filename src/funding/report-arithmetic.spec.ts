import {
  CommunityAmounts,
  communityFigures,
  emptyAmounts,
  percent,
  ratio,
  totalsOf,
  yuan,
} from './report-arithmetic';

const community = (over: Partial<CommunityAmounts> = {}): CommunityAmounts => ({
  ...emptyAmounts({ id: 'c1', name: '桃花园社区', kind: 'community' }),
  ...over,
});

describe('report arithmetic', () => {
  it('12,385 points issued and 11,200 redeemed: a 90.4% redemption rate', () => {
    const f = communityFigures(
      community({ pointsIssued: 12_385, pointsRedeemed: 11_200, pointsOutstanding: 1_185 }),
    );
    expect(f.redemptionRate).toBeCloseTo(11_200 / 12_385, 6);
    expect(percent(f.redemptionRate)).toBe('90.4%');
    expect(f.pointsOutstanding).toBe(1_185);
  });

  it('6,000 yuan of social donations and 4,000 of community funds: a 60% social donation share', () => {
    const f = communityFigures(
      community({ fundsBySourceFen: { social_donation: 600_000, community_funds: 400_000 } }),
    );
    expect(f.fundsInFen).toBe(1_000_000);
    expect(f.socialDonationShare).toBe(0.6);
    expect(f.fundsBySource.community_funds).toEqual({ fen: 400_000, share: 0.4 });
    expect(f.fundsBySource.merchant).toEqual({ fen: 0, share: 0 });
  });

  it('260,000 yuan spent against 1.63 million of collective income: 16.0%', () => {
    const f = communityFigures(community({ spendingFen: 26_000_000, collectiveIncomeFen: 163_000_000 }));
    expect(f.spendingShareOfCollectiveIncome).toBeCloseTo(0.16, 2);
    expect(percent(f.spendingShareOfCollectiveIncome)).toBe('16.0%');
  });

  it('answers null, not 0 or NaN, where there is nothing to divide by', () => {
    const f = communityFigures(community());
    expect(f.redemptionRate).toBeNull();
    expect(f.socialDonationShare).toBeNull();
    expect(f.costPerRedeemedPointFen).toBeNull();
    expect(f.spendingShareOfCollectiveIncome).toBeNull();
    expect(f.participationRate).toBeNull();
    expect(percent(null)).toBe('—');
  });

  it('cost per redeemed point in fen, two decimals', () => {
    const f = communityFigures(community({ pointsRedeemed: 300, costOfRedemptionsFen: 100_000 }));
    expect(f.costPerRedeemedPointFen).toBe(333.33);
  });

  it('totals sum the amounts and compute the shares again (not an average of shares)', () => {
    const a = community({
      regionId: 'a',
      fundsBySourceFen: { social_donation: 900_000 },
      spendingFen: 100,
      collectiveIncomeFen: 1_000,
      pointsIssued: 100,
      pointsRedeemed: 50,
      residents: 10,
      participants: 5,
    });
    const b = community({
      regionId: 'b',
      fundsBySourceFen: { collective_economy: 100_000 },
      spendingFen: 900,
      collectiveIncomeFen: null,
      pointsIssued: 300,
      pointsRedeemed: 300,
      residents: 30,
      participants: 3,
    });
    const t = totalsOf([a, b]);
    expect(t.fundsInFen).toBe(1_000_000);
    expect(t.socialDonationShare).toBe(0.9);
    expect(t.redemptionRate).toBe(0.875);
    expect(t.participationRate).toBe(0.2);
    // Only communities with an income count: 100 of 1,000.
    expect(t.spendingShareOfCollectiveIncome).toBe(0.1);
    expect(t.collectiveIncomeFen).toBe(1_000);
  });

  it('formats fen as yuan and rounds ratios', () => {
    expect(yuan(26_000_000)).toBe('260,000.00');
    expect(yuan(-1_05)).toBe('-1.05');
    expect(ratio(1, 3)).toBe(0.333333);
    expect(ratio(1, 0)).toBeNull();
  });
});
