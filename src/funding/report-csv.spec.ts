import { escapeCell } from './report-csv';

describe('CSV cells', () => {
  it('escapes what a spreadsheet would run as a formula', () => {
    expect(escapeCell('=1+1')).toBe("'=1+1");
    expect(escapeCell('+86 123')).toBe("'+86 123");
    expect(escapeCell('-3')).toBe("'-3");
    expect(escapeCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(escapeCell('桃花园社区')).toBe('桃花园社区');
    expect(escapeCell('a=b')).toBe('a=b');
  });
});
