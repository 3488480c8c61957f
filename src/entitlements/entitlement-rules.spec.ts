import {
  cityOf,
  DEFAULT_POLICIES,
  discountedFen,
  evaluate,
  kindsHandledBy,
  overdueAfterSeconds,
  passExpiry,
  policyProblems,
  resolvePolicies,
  toPolicyValues,
} from './entitlement-rules';

const fresh = { level: 'AAA' as const, used: 0, outstandingFen: 0, overdueCount: 0 };

describe('entitlement rules', () => {
  it('hospital staff handle hospital kinds, canteen staff meals, anyone else nothing', () => {
    expect(kindsHandledBy({ roles: ['hospital_staff'] })).toEqual([
      'treat_first_pay_later',
      'deposit_waiver',
      'checkup_discount',
    ]);
    expect(kindsHandledBy({ roles: ['canteen_staff'] })).toEqual(['canteen_meal']);
    expect(kindsHandledBy({ roles: ['merchant_staff', 'resident', 'city_admin'] })).toEqual([]);
  });

  it('the built-in defaults follow the seed: AAA, 10 meals a year, a cap, 30 days, 20% off', () => {
    expect(DEFAULT_POLICIES.canteen_meal).toMatchObject({ minCreditLevel: 'AAA', yearlyQuota: 10 });
    expect(DEFAULT_POLICIES.treat_first_pay_later).toMatchObject({
      minCreditLevel: 'AAA',
      maxOutstandingFen: 500_000,
      overdueAfterDays: 30,
    });
    expect(DEFAULT_POLICIES.checkup_discount.discountPercent).toBe(20);
    expect(DEFAULT_POLICIES.deposit_waiver.minCreditLevel).toBe('AAA');
  });

  describe('resolvePolicies', () => {
    const row = (regionId: string, kind: 'canteen_meal' | 'deposit_waiver', yearlyQuota: number) => ({
      regionId,
      kind,
      ...toPolicyValues(kind, { minCreditLevel: 'AA', yearlyQuota }),
    });

    it('takes the nearest region of the lineage that sets a policy, kind by kind', () => {
      const lineage = ['community', 'street', 'district', 'city'];
      const p = resolvePolicies(lineage, [
        row('city', 'canteen_meal', 12),
        row('street', 'canteen_meal', 5),
        row('city', 'deposit_waiver', 2),
      ]);
      expect(p.canteen_meal).toMatchObject({
        sourceRegionId: 'street',
        yearlyQuota: 5,
        minCreditLevel: 'AA',
      });
      expect(p.deposit_waiver).toMatchObject({ sourceRegionId: 'city', yearlyQuota: 2 });
      expect(p.treat_first_pay_later).toEqual({
        kind: 'treat_first_pay_later',
        ...DEFAULT_POLICIES.treat_first_pay_later,
        sourceRegionId: null,
      });
    });

    it('ignores policies of regions outside the lineage (a sibling community)', () => {
      const p = resolvePolicies(['a1', 'street'], [row('a2', 'canteen_meal', 1)]);
      expect(p.canteen_meal.sourceRegionId).toBeNull();
      expect(p.canteen_meal.yearlyQuota).toBe(10);
    });
  });

  describe('policyProblems', () => {
    it('refuses fields that do not apply to the kind and needs a discount for check-ups', () => {
      expect(policyProblems('canteen_meal', { minCreditLevel: 'AAA', maxOutstandingFen: 1 })).toEqual([
        { field: 'maxOutstandingFen', problems: ['applies to treat_first_pay_later only'] },
      ]);
      expect(policyProblems('deposit_waiver', { minCreditLevel: 'AAA', discountPercent: 5 })[0].field).toBe(
        'discountPercent',
      );
      expect(policyProblems('checkup_discount', { minCreditLevel: 'AA' })[0].field).toBe('discountPercent');
      expect(policyProblems('canteen_meal', { minCreditLevel: 'B' as never })[0].field).toBe(
        'minCreditLevel',
      );
      expect(
        policyProblems('treat_first_pay_later', {
          minCreditLevel: 'AAA',
          maxOutstandingFen: 1000,
          overdueAfterDays: 10,
          yearlyQuota: 3,
        }),
      ).toEqual([]);
    });

    it('absent quota and cap mean no limit; absent overdue days, 30', () => {
      expect(toPolicyValues('treat_first_pay_later', { minCreditLevel: 'AAA' })).toEqual({
        minCreditLevel: 'AAA',
        yearlyQuota: null,
        maxOutstandingFen: null,
        discountPercent: null,
        overdueAfterDays: 30,
      });
    });
  });

  describe('evaluate', () => {
    it('is eligible at the level and says what is left', () => {
      expect(evaluate('canteen_meal', DEFAULT_POLICIES.canteen_meal, { ...fresh, used: 9 })).toEqual({
        eligible: true,
        creditLevel: 'AAA',
        minCreditLevel: 'AAA',
        yearlyQuota: 10,
        remaining: 1,
      });
      expect(evaluate('checkup_discount', DEFAULT_POLICIES.checkup_discount, fresh).discountPercent).toBe(20);
    });

    it('explains a level below the minimum first', () => {
      const ev = evaluate('canteen_meal', DEFAULT_POLICIES.canteen_meal, { ...fresh, level: 'AA', used: 10 });
      expect(ev).toMatchObject({ eligible: false, reason: 'credit_level_too_low', creditLevel: 'AA' });
      expect(ev.message).toBe('credit level AA is below the required AAA');
    });

    it('suspends treat first, pay later while a bill is overdue, then checks the cap', () => {
      const p = DEFAULT_POLICIES.treat_first_pay_later;
      expect(evaluate('treat_first_pay_later', p, { ...fresh, overdueCount: 1 }).reason).toBe(
        'suspended_overdue_bill',
      );
      const near = { ...fresh, outstandingFen: 450_000 };
      expect(evaluate('treat_first_pay_later', p, near, 50_000)).toMatchObject({
        eligible: true,
        availableFen: 50_000,
        outstandingFen: 450_000,
      });
      expect(evaluate('treat_first_pay_later', p, near, 50_001).reason).toBe('cap_reached');
      expect(evaluate('treat_first_pay_later', p, { ...fresh, outstandingFen: 500_000 }).reason).toBe(
        'cap_reached',
      );
      const uncapped = { ...p, maxOutstandingFen: null };
      expect(evaluate('treat_first_pay_later', uncapped, near, 10_000_000).eligible).toBe(true);
    });

    it('a quota used up is quota_exhausted; NONE as minimum admits everyone', () => {
      const p = { ...DEFAULT_POLICIES.deposit_waiver, minCreditLevel: 'NONE' as const, yearlyQuota: 2 };
      expect(evaluate('deposit_waiver', p, { ...fresh, level: 'NONE', used: 1 }).eligible).toBe(true);
      expect(evaluate('deposit_waiver', p, { ...fresh, level: 'NONE', used: 2 }).reason).toBe(
        'quota_exhausted',
      );
    });
  });

  it('computes discounts, pass expiry and overdue delays', () => {
    expect(discountedFen(12_345, 20)).toBe(9_876);
    expect(discountedFen(100, 100)).toBe(0);
    expect(passExpiry(new Date('2026-03-01T08:00:00.900Z'), 300).toISOString()).toBe(
      '2026-03-01T08:05:00.000Z',
    );
    expect(overdueAfterSeconds(DEFAULT_POLICIES.treat_first_pay_later, null)).toBe(30 * 86_400);
    expect(overdueAfterSeconds(DEFAULT_POLICIES.treat_first_pay_later, 2)).toBe(2);
    expect(cityOf('/c/d/s/x/')).toBe('c');
    expect(cityOf(null)).toBeNull();
  });
});
