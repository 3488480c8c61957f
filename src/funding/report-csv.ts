import { stringify } from 'csv-stringify/sync';
import { FUNDING_SOURCES, SOURCE_LABELS } from './funding.types';
import type { ReportFigures } from './report-arithmetic';
import type { ReportDocument } from './report-document';

/**
 * A cell a spreadsheet would run as a formula (starts with = + - @, or a tab or carriage return)
 * gets a leading apostrophe, so it shows as text (OWASP "CSV injection").
 */
export function escapeCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

type Row = Record<string, string | number | null>;

const COLUMNS: Array<{ key: string; header: string; of: (f: ReportFigures) => number | null }> = [
  { key: 'fundsInFen', header: '资金收入(分) fundsInFen', of: (f) => f.fundsInFen },
  ...FUNDING_SOURCES.flatMap((s) => [
    {
      key: `${s}Fen`,
      header: `${SOURCE_LABELS[s]}(分) ${s}Fen`,
      of: (f: ReportFigures) => f.fundsBySource[s].fen,
    },
    {
      key: `${s}Share`,
      header: `${SOURCE_LABELS[s]}占比 ${s}Share`,
      of: (f: ReportFigures) => f.fundsBySource[s].share,
    },
  ]),
  {
    key: 'socialDonationShare',
    header: '社会捐赠占比 socialDonationShare',
    of: (f) => f.socialDonationShare,
  },
  { key: 'spendingFen', header: '支出(分) spendingFen', of: (f) => f.spendingFen },
  {
    key: 'costOfRedemptionsFen',
    header: '兑换成本(分) costOfRedemptionsFen',
    of: (f) => f.costOfRedemptionsFen,
  },
  { key: 'pointsIssued', header: '发放积分 pointsIssued', of: (f) => f.pointsIssued },
  { key: 'pointsDeducted', header: '扣减积分 pointsDeducted', of: (f) => f.pointsDeducted },
  { key: 'pointsRedeemed', header: '兑换积分 pointsRedeemed', of: (f) => f.pointsRedeemed },
  { key: 'pointsExpired', header: '过期积分 pointsExpired', of: (f) => f.pointsExpired },
  { key: 'pointsOutstanding', header: '结余积分 pointsOutstanding', of: (f) => f.pointsOutstanding },
  { key: 'redemptionRate', header: '兑换率 redemptionRate', of: (f) => f.redemptionRate },
  {
    key: 'costPerRedeemedPointFen',
    header: '每兑换积分成本(分) costPerRedeemedPointFen',
    of: (f) => f.costPerRedeemedPointFen,
  },
  {
    key: 'collectiveIncomeFen',
    header: '集体收入(分) collectiveIncomeFen',
    of: (f) => f.collectiveIncomeFen,
  },
  {
    key: 'spendingShareOfCollectiveIncome',
    header: '支出占集体收入 spendingShareOfCollectiveIncome',
    of: (f) => f.spendingShareOfCollectiveIncome,
  },
  { key: 'residents', header: '登记居民 residents', of: (f) => f.residents },
  { key: 'participants', header: '获得积分居民 participants', of: (f) => f.participants },
  { key: 'participationRate', header: '参与率 participationRate', of: (f) => f.participationRate },
  { key: 'aaaHouseholds', header: 'AAA级信用户 aaaHouseholds', of: (f) => f.aaaHouseholds },
  {
    key: 'deferredBillsOutstanding',
    header: '未结医疗账单 deferredBillsOutstanding',
    of: (f) => f.deferredBillsOutstanding,
  },
  {
    key: 'deferredBillsOutstandingFen',
    header: '未结医疗账单(分) deferredBillsOutstandingFen',
    of: (f) => f.deferredBillsOutstandingFen,
  },
  {
    key: 'deferredBillsOverdue',
    header: '逾期医疗账单 deferredBillsOverdue',
    of: (f) => f.deferredBillsOverdue,
  },
  {
    key: 'deferredBillsOverdueFen',
    header: '逾期医疗账单(分) deferredBillsOverdueFen',
    of: (f) => f.deferredBillsOverdueFen,
  },
];

/**
 * The report as CSV: UTF-8 with a byte-order mark (so spreadsheet programs show Chinese), one row
 * per community and a total row; money in fen, shares as fractions 0..1 (empty when undefined).
 */
export function renderCsv(doc: ReportDocument): Buffer {
  const row = (regionId: string, name: string, kind: string, f: ReportFigures): Row => ({
    regionId,
    name,
    kind,
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
      ...COLUMNS.map((c) => ({ key: c.key, header: c.header })),
    ],
    cast: { string: (v) => escapeCell(v) },
  });
  return Buffer.from(text, 'utf8');
}
