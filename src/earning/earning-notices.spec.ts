import { awardNotice, baseGrantNotice } from './earning-notices';

const base = { awardId: 'a1', communityId: 'c1', ruleName: '毁绿种菜', declarationId: null };

describe('earning notices', () => {
  it('publishes awards and deductions with the name masked', () => {
    expect(awardNotice({ ...base, points: -3 }, '张小红')).toEqual({
      communityId: 'c1',
      kind: 'deduction',
      summary: '张*红 因「毁绿种菜」扣 3 分',
      refType: 'award',
      refId: 'a1',
    });
    expect(awardNotice({ ...base, ruleName: '文明楼道', points: 3 }, undefined).summary).toBe(
      '* 因「文明楼道」获 3 分',
    );
  });

  it('publishes an approved declaration under the declaration', () => {
    const n = awardNotice({ ...base, ruleName: '文明楼道', points: 3, declarationId: 'd1' }, '李雷');
    expect(n).toMatchObject({ kind: 'declaration', refType: 'declaration', refId: 'd1' });
    expect(n.summary).toBe('李* 申报「文明楼道」经审核通过，获 3 分');
  });

  it('publishes one notice per base grant run', () => {
    expect(baseGrantNotice({ runId: 'r1', communityId: 'c1', year: 2026, points: 100, granted: 42 })).toEqual(
      {
        communityId: 'c1',
        kind: 'base_grant',
        summary: '2026 年度基础分：42 位居民各获 100 分',
        refType: 'base_grant',
        refId: 'r1',
      },
    );
  });
});
