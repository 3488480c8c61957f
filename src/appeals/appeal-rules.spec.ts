import { appealWindowEnd, appealWindowOpen, decisionNotice } from './appeal-rules';

describe('appeal rules', () => {
  const at = new Date('2026-03-01T08:00:00.000Z');

  it('takes appeals for 30 days after the deduction', () => {
    expect(appealWindowOpen(at, new Date('2026-03-31T08:00:00.000Z'))).toBe(true);
    expect(appealWindowOpen(at, new Date('2026-03-31T08:00:00.001Z'))).toBe(false);
    expect(appealWindowEnd(at).toISOString()).toBe('2026-03-31T08:00:00.000Z');
  });

  it('publishes the decision with the name masked', () => {
    const a = { id: 'a1', communityId: 'c1', ruleName: '毁绿种菜', points: 3 };
    expect(decisionNotice(a, 'uphold', '张*红')).toEqual({
      communityId: 'c1',
      kind: 'appeal_decision',
      summary: '张*红 对「毁绿种菜」扣 3 分的申诉：成立，退回 3 分',
      refType: 'appeal',
      refId: 'a1',
    });
    expect(decisionNotice(a, 'reject', '张*红').summary).toBe(
      '张*红 对「毁绿种菜」扣 3 分的申诉：不成立，维持原扣分',
    );
  });
});
