import { canRegenerate, canReview, REVIEW_TRANSITIONS, submitActionFor } from './report-review';

describe('report review', () => {
  it('draft → submitted → approved | returned → submitted again', () => {
    expect(submitActionFor('draft')).toBe('submit');
    expect(submitActionFor('returned')).toBe('resubmit');
    expect(submitActionFor('submitted')).toBeNull();
    expect(submitActionFor('approved')).toBeNull();
    expect(canReview('approve', 'submitted')).toBe(true);
    expect(canReview('return', 'submitted')).toBe(true);
    expect(canReview('approve', 'draft')).toBe(false);
    expect(canReview('approve', 'approved')).toBe(false);
    expect(canReview('return', 'returned')).toBe(false);
    expect(REVIEW_TRANSITIONS.return.to).toBe('returned');
  });

  it('a submitted or approved report is frozen', () => {
    expect(canRegenerate('draft')).toBe(true);
    expect(canRegenerate('returned')).toBe(true);
    expect(canRegenerate('submitted')).toBe(false);
    expect(canRegenerate('approved')).toBe(false);
  });
});
