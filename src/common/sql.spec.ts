import { likeContains, likePrefix, Where } from './sql';

describe('LIKE patterns', () => {
  it('escapes the wildcards and the escape character', () => {
    expect(likeContains('大米')).toBe('%大米%');
    expect(likeContains('50%_off\\')).toBe('%50\\%\\_off\\\\%');
    expect(likePrefix('/a_b/')).toBe('/a\\_b/%');
  });
});

describe('Where', () => {
  it('ANDs the conditions given, in order, with their parameters', () => {
    const w = new Where()
      .and('a = ?', 1)
      .and(null)
      .and({ sql: 'b IN (?) OR c = ?', params: [[2, 3], 4] });
    expect(w.sql).toBe('WHERE (a = ?) AND (b IN (?) OR c = ?)');
    expect(w.params).toEqual([1, [2, 3], 4]);
  });

  it('is empty without conditions', () => {
    expect(new Where().sql).toBe('');
    expect(new Where().params).toEqual([]);
  });
});
