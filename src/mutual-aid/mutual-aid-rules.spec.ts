import {
  ageOn,
  creditSplit,
  mayVolunteer,
  MUTUAL_AID_STATUSES,
  stateRefusal,
  TRANSITIONS,
} from './mutual-aid-rules';

describe('mutual-aid rules', () => {
  const on = new Date('2026-12-03T09:00:00Z');

  it('counts full years of age on a date', () => {
    expect(ageOn('2008-12-03', on)).toBe(18);
    expect(ageOn('2008-12-04', on)).toBe(17);
    expect(ageOn('2008-11-30', on)).toBe(18);
    expect(ageOn('1950-02-28', on)).toBe(76);
  });

  it('lets adults volunteer, not minors nor residents without a birth date', () => {
    expect(mayVolunteer('2008-12-03', on)).toBe(true);
    expect(mayVolunteer('2010-01-01', on)).toBe(false);
    expect(mayVolunteer(null, on)).toBe(false);
    expect(mayVolunteer('not a date', on)).toBe(false);
  });

  it('pays from the hold up to the hold and issues the rest', () => {
    expect(creditSplit(60, null)).toEqual({ fromHold: 0, issued: 60 });
    expect(creditSplit(60, 90)).toEqual({ fromHold: 60, issued: 0 });
    expect(creditSplit(120, 90)).toEqual({ fromHold: 90, issued: 30 });
    expect(creditSplit(90, 90)).toEqual({ fromHold: 90, issued: 0 });
  });

  it('names the refusal of a transition by the status found', () => {
    expect(stateRefusal('claim', 'claimed')).toBe('ALREADY_CLAIMED');
    expect(stateRefusal('claim', 'cancelled')).toBe('INVALID_STATE');
    expect(stateRefusal('confirm', 'confirmed')).toBe('ALREADY_CONFIRMED');
    expect(stateRefusal('confirm', 'claimed')).toBe('INVALID_STATE');
    expect(stateRefusal('cancel', 'confirmed')).toBe('INVALID_STATE');
  });

  it('has transitions only between known statuses, and none out of confirmed or cancelled', () => {
    for (const t of Object.values(TRANSITIONS)) {
      for (const s of [...t.from, t.to]) expect(MUTUAL_AID_STATUSES).toContain(s);
      expect(t.from).not.toContain('confirmed');
      expect(t.from).not.toContain('cancelled');
    }
  });
});
