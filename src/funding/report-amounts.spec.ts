import type { PointFlowRow, RegionAccountRow } from '../ledger/ledger-report.queries';
import {
  aaaHouseholdCounts,
  CommunityAccounts,
  earnedPoints,
  moneyAmounts,
  participantCounts,
  pointAmounts,
} from './report-amounts';

/** The ledger does not matter here: amounts go by account kind. */
const account = (id: string, kind: string, ownerId = 'c1', sub = ''): RegionAccountRow => ({
  id,
  ledger: 'ANY',
  kind,
  ownerId,
  sub,
});
const accounts = new CommunityAccounts([
  account('src', 'funding_source', 'c1', 'merchant'),
  account('odd', 'funding_source', 'c1', 'not_a_source'),
  account('fund', 'community_fund'),
  account('inv', 'inventory'),
  account('cost', 'cost_of_redemptions'),
  account('exp', 'expense'),
  account('iss', 'issuance'),
  account('ded', 'deduction_sink'),
  account('exs', 'expiry_sink'),
  account('iss2', 'issuance', 'c2'),
]);
const flow = (side: string, wallet: string, f: Partial<PointFlowRow>): PointFlowRow => ({
  side,
  wallet,
  period: 0,
  total: 0,
  year: 0,
  awards: 0,
  ...f,
});
const resident = (userId: string, regionId: string, household = userId) => ({ userId, regionId, household });

describe('report amounts', () => {
  it('sorts money by the debited account: funds by source, spending, cost of redemptions', () => {
    const m = moneyAmounts(
      [
        { debitAccountId: 'src', creditAccountId: 'fund', code: 'donation', amount: 500 },
        { debitAccountId: 'src', creditAccountId: 'inv', code: 'donation', amount: 250 },
        { debitAccountId: 'odd', creditAccountId: 'fund', code: 'donation', amount: 7 },
        { debitAccountId: 'fund', creditAccountId: 'exp', code: 'expense', amount: 120 },
        { debitAccountId: 'inv', creditAccountId: 'cost', code: 'redemption_cost', amount: 90 },
        { debitAccountId: 'inv', creditAccountId: 'exp', code: 'other', amount: 1 },
        { debitAccountId: 'unknown', creditAccountId: 'fund', code: 'donation', amount: 1_000 },
      ],
      accounts,
    );
    expect([...m]).toEqual([
      ['c1', { fundsBySourceFen: { merchant: 750 }, spendingFen: 120, costOfRedemptionsFen: 90 }],
    ]);
  });

  it('counts points issued, deducted, expired and redeemed, and what is outstanding', () => {
    const p = pointAmounts(
      [flow('iss', 'w1', { period: 30, total: 100 }), flow('iss2', 'w9', { period: 5, total: 5 })],
      [flow('ded', 'w1', { period: 4, total: 10 }), flow('exs', 'w1', { period: 2, total: 3 })],
      [{ communityId: 'c1', period: 6, total: 20 }],
      accounts,
    );
    expect(p.get('c1')).toEqual({
      pointsIssued: 30,
      pointsDeducted: 4,
      pointsRedeemed: 6,
      pointsExpired: 2,
      pointsOutstanding: 100 - 10 - 3 - 20,
    });
    expect(p.get('c2')).toMatchObject({ pointsIssued: 5, pointsOutstanding: 5 });
  });

  it('earns for residents of the community only, less deductions, and counts participants and AAA households', () => {
    const residentOf = new Map([
      ['w1', resident('u1', 'c1', 'h1')],
      ['w2', resident('u2', 'c1', 'h1')],
      ['w3', resident('u3', 'c2')],
    ]);
    const issued = [
      flow('iss', 'w1', { year: 80, awards: 2 }),
      flow('iss', 'w2', { year: 90 }),
      flow('iss', 'w3', { year: 500, awards: 1 }), // a resident of another community
      flow('iss', 'w4', { year: 500, awards: 1 }), // no longer a resident
    ];
    const sunk = [flow('ded', 'w2', { year: 20 }), flow('exs', 'w1', { year: 50 })];
    const earned = earnedPoints(issued, sunk, residentOf, accounts);
    expect([...earned]).toEqual([
      ['u1', { community: 'c1', household: 'h1', points: 80 }],
      ['u2', { community: 'c1', household: 'h1', points: 70 }],
    ]);
    expect([...participantCounts(issued, residentOf, accounts)]).toEqual([['c1', 1]]);
    expect([...aaaHouseholdCounts(earned, new Map([['c1', 75]]))]).toEqual([['c1', 1]]);
    expect([...aaaHouseholdCounts(earned, new Map([['c1', 81]]))]).toEqual([]);
  });
});
