import { stringify } from 'csv-stringify/sync';
import { FUNDING_SOURCES, SOURCE_LABELS } from './funding.types';
import type { ReportFigures } from './report-arithmetic';
import type { ReportDocument } from './report-document';
import { periodLabel } from './report-period';

/**
 * A cell a spreadsheet would run as a formula (starts with = + - @, or a tab or carriage return)
 * gets a leading apostrophe, so it shows as text (OWASP "CSV injection").
 */
export function escapeCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

type Row = Record<string, string | number | null>;

/**
 * The columns after region, name and kind: a Chinese header saying what the figure is (and its unit)
 * followed by the JSON field it comes from, so that each header is unique and can be read back.
 */
export const COLUMNS: Array<{ key: string; header: string; of: (f: ReportFigures) => number | null }> = [
  { key: 'population', header: '人口 population', of: (f) => f.population },
  { key: 'households', header: '户数 households', of: (f) => f.households },
  { key: 'fundsInFen', header: '资金收入(分) fundsInFen', of: (f) => f.fundsInFen },
  ...FUNDING_SOURCES.flatMap((s) => [
    {
      key: `${s}Fen`,
      header: `${SOURCE_LABELS[s]}(分) ${s}Fen`,
      of: (f: ReportFigures) => f.fundsBySource[s].fen,
    },
    {
      // social_donationShare is the JSON's socialDonationShare
      key: `${s}Share`,
      header: `${SOURCE_LABELS[s]}占资金收入比例(0-1) ${s}Share`,
      of: (f: ReportFigures) => f.fundsBySource[s].share,
    },
  ]),
  { key: 'spendingFen', header: '社区资金支出(分) spendingFen', of: (f) => f.spendingFen },
  {
    key: 'costOfRedemptionsFen',
    header: '兑换成本(分) costOfRedemptionsFen',
    of: (f) => f.costOfRedemptionsFen,
  },
  { key: 'pointsIssued', header: '发放积分 pointsIssued', of: (f) => f.pointsIssued },
  { key: 'pointsDeducted', header: '扣减积分 pointsDeducted', of: (f) => f.pointsDeducted },
  { key: 'pointsRedeemed', header: '兑换积分 pointsRedeemed', of: (f) => f.pointsRedeemed },
  { key: 'pointsExpired', header: '过期积分 pointsExpired', of: (f) => f.pointsExpired },
  { key: 'pointsOutstanding', header: '期末结余积分 pointsOutstanding', of: (f) => f.pointsOutstanding },
  { key: 'redemptionRate', header: '兑换率(0-1) redemptionRate', of: (f) => f.redemptionRate },
  {
    key: 'costPerRedeemedPointFen',
    header: '每兑换1积分成本(分) costPerRedeemedPointFen',
    of: (f) => f.costPerRedeemedPointFen,
  },
  {
    key: 'collectiveIncomeFen',
    header: '集体年收入(分) collectiveIncomeFen',
    of: (f) => f.collectiveIncomeFen,
  },
  {
    key: 'spendingShareOfCollectiveIncome',
    header: '支出占集体年收入比例(0-1) spendingShareOfCollectiveIncome',
    of: (f) => f.spendingShareOfCollectiveIncome,
  },
  { key: 'residents', header: '登记居民 residents', of: (f) => f.residents },
  { key: 'participants', header: '获得奖励积分居民 participants', of: (f) => f.participants },
  { key: 'participationRate', header: '参与率(0-1) participationRate', of: (f) => f.participationRate },
  { key: 'aaaHouseholds', header: 'AAA级信用户(户) aaaHouseholds', of: (f) => f.aaaHouseholds },
  {
    key: 'deferredBillsOutstanding',
    header: '先诊疗后付费未结账单(笔,含逾期) deferredBillsOutstanding',
    of: (f) => f.deferredBillsOutstanding,
  },
  {
    key: 'deferredBillsOutstandingFen',
    header: '先诊疗后付费未结金额(分,含逾期) deferredBillsOutstandingFen',
    of: (f) => f.deferredBillsOutstandingFen,
  },
  {
    key: 'deferredBillsOverdue',
    header: '先诊疗后付费逾期账单(笔) deferredBillsOverdue',
    of: (f) => f.deferredBillsOverdue,
  },
  {
    key: 'deferredBillsOverdueFen',
    header: '先诊疗后付费逾期金额(分) deferredBillsOverdueFen',
    of: (f) => f.deferredBillsOverdueFen,
  },
];

/**
 * The report as CSV: UTF-8 with a byte-order mark (so spreadsheet programs show Chinese), one row
 * per community and a total row; money in fen, shares and rates as fractions 0..1 (empty when
 * undefined); every row names the period as the PDF does ("2026-01-01 至 2026-06-30（含）").
 */
export function renderCsv(doc: ReportDocument): Buffer {
  const period = periodLabel(doc.from, doc.to);
  const row = (regionId: string, name: string, kind: string, f: ReportFigures): Row => ({
    regionId,
    name,
    kind,
    period,
    ...Object.fromEntries(COLUMNS.map((c) => [c.key, c.of(f)])),
  });
  const rows: Row[] = [
    ...doc.communities.map((c) => row(c.regionId, c.name, c.kind, c)),
    row(doc.regionId, `合计 (${doc.regionName})`, 'total', doc.totals),
  ];
  const text = stringify(rows, {
    bom: true,
    header: true,
    columns: [
      { key: 'regionId', header: '地区编号 regionId' },
      { key: 'name', header: '社区/村 name' },
      { key: 'kind', header: '类型 kind' },
      { key: 'period', header: '报告期(北京时间) period' },
      ...COLUMNS.map((c) => ({ key: c.key, header: c.header })),
    ],
    cast: { string: (v) => escapeCell(v) },
  });
  return Buffer.from(text, 'utf8');
}
