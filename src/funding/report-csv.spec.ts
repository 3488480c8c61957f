import { parse } from 'csv-parse/sync';
import { communityFigures, emptyAmounts, totalsOf } from './report-arithmetic';
import { COLUMNS, escapeCell, renderCsv } from './report-csv';
import type { ReportDocument } from './report-document';

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

describe('CSV columns', () => {
  const amounts = {
    ...emptyAmounts({ id: 'c1', name: '桃花园社区', kind: 'community' }),
    fundsBySourceFen: { social_donation: 600_000, community_funds: 400_000 },
  };
  const doc = {
    regionId: 'r1',
    regionName: '小蚌埠镇',
    from: '2025-12-31T16:00:00.000Z',
    to: '2026-06-30T16:00:00.000Z',
    communities: [communityFigures(amounts)],
    totals: totalsOf([amounts]),
  } as unknown as ReportDocument;
  const rows: Array<Record<string, string>> = parse(renderCsv(doc), { bom: true, columns: true });

  it('has one header per column, none said twice in Chinese or in its field name', () => {
    const [header] = parse(renderCsv(doc), { bom: true, to_line: 1 }) as string[][];
    const chinese = header.map((h) => h.split(' ')[0]);
    const fields = header.map((h) => h.split(' ').slice(1).join(' '));
    expect(new Set(chinese).size).toBe(header.length);
    expect(new Set(fields).size).toBe(header.length);
    expect(header.filter((h) => h.startsWith('社会捐赠占'))).toEqual([
      '社会捐赠占资金收入比例(0-1) social_donationShare',
    ]);
    expect(COLUMNS.every((c) => c.header.endsWith(` ${c.key}`))).toBe(true);
  });

  it('says the period and the shares as the JSON has them', () => {
    expect(rows.map((r) => r['社区/村 name'])).toEqual(['桃花园社区', '合计 (小蚌埠镇)']);
    expect(rows[0]['报告期(北京时间) period']).toBe('2026-01-01 至 2026-06-30（含）');
    expect(rows[0]['社会捐赠占资金收入比例(0-1) social_donationShare']).toBe('0.6');
    expect(rows[0]['社区自有资金占资金收入比例(0-1) community_fundsShare']).toBe('0.4');
    expect(rows[0]['资金收入(分) fundsInFen']).toBe('1000000');
    expect(rows[1]['兑换率(0-1) redemptionRate']).toBe(''); // nothing issued: no rate
  });
});
