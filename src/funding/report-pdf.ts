import PDFDocument from 'pdfkit';
import { FUNDING_SOURCES, SOURCE_LABELS } from './funding.types';
import { percent, ReportFigures, yuan } from './report-arithmetic';
import { periodLabel, ReportDocument, timeLabel } from './report-document';
import type { ReportFont } from './report-font';
import { ACTION_LABELS, REVIEW_LABELS } from './report-review';

type Doc = InstanceType<typeof PDFDocument>;

const MARGIN = 36;
const num = (v: number | null) => (v === null ? '—' : v.toLocaleString('en-US'));

interface Column {
  header: string;
  width: number;
  cell: (f: ReportFigures & { name: string }) => string;
}

/** A plain grid: a header row (two lines), then one line per record, breaking pages as needed. */
function table(doc: Doc, columns: Column[], rows: Array<ReportFigures & { name: string }>, size = 8): void {
  const x0 = MARGIN;
  const width = columns.reduce((a, c) => a + c.width, 0);
  const bodyHeight = size * 2.2;
  const headerHeight = size * 3.4;
  const line = (y: number, cells: string[], header: boolean) => {
    const h = header ? headerHeight : bodyHeight;
    if (header) doc.rect(x0, y, width, h).fill('#eeeeee');
    doc.fillColor('#000000').fontSize(size);
    let x = x0;
    cells.forEach((text, i) => {
      doc.text(text, x + 3, y + size * 0.5, {
        width: columns[i].width - 6,
        height: header ? size * 2.6 : size * 1.3,
        ellipsis: !header,
      });
      x += columns[i].width;
    });
    doc
      .moveTo(x0, y + h)
      .lineTo(x0 + width, y + h)
      .lineWidth(0.5)
      .strokeColor('#999999')
      .stroke();
    return h;
  };
  let y = doc.y;
  const header = () => {
    y += line(
      y,
      columns.map((c) => c.header),
      true,
    );
  };
  header();
  for (const r of rows) {
    if (y + bodyHeight > doc.page.height - MARGIN) {
      doc.addPage();
      y = MARGIN;
      header();
    }
    y += line(
      y,
      columns.map((c) => c.cell(r)),
      false,
    );
  }
  doc.x = MARGIN;
  doc.y = y + 12;
}

/**
 * The printable report (A4 landscape): title, the figures of every community and the total, funds
 * by source, the chart and the review trail. Text is set in the CJK font (pdfkit embeds the subset
 * it uses, with a ToUnicode map, so the text layer keeps the Chinese names).
 */
export function renderPdf(report: ReportDocument, chartPng: Buffer, font: ReportFont): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: MARGIN,
    info: { Title: `${report.regionName} 积分制资金保障与可持续性报告`, Author: 'Jifen Market' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('cjk', font.path, font.postscriptName);
  doc.font('cjk');

  doc.fontSize(18).text(`${report.regionName} 积分制资金保障与可持续性报告`, { align: 'center' });
  doc.moveDown(0.3);
  doc
    .fontSize(10)
    .text(
      `报告期: ${periodLabel(report.from, report.to)}    版本: 第 ${report.version} 版    审核状态: ${REVIEW_LABELS[report.reviewStatus]}    生成时间: ${timeLabel(report.builtAt)}`,
      { align: 'center' },
    );
  doc.fontSize(7).fillColor('#666666').text(`内容校验 (SHA-256): ${report.contentHash}`, { align: 'center' });
  doc.fillColor('#000000').moveDown(0.8);

  const t = report.totals;
  doc.fontSize(11).text('总体情况', { underline: true });
  doc.moveDown(0.3);
  doc
    .fontSize(9)
    .text(
      [
        `资金收入 ${yuan(t.fundsInFen)} 元,其中社会捐赠占 ${percent(t.socialDonationShare)};支出 ${yuan(t.spendingFen)} 元,兑换成本 ${yuan(t.costOfRedemptionsFen)} 元。`,
        `发放积分 ${num(t.pointsIssued)},扣减 ${num(t.pointsDeducted)},兑换 ${num(t.pointsRedeemed)},过期 ${num(t.pointsExpired)},结余 ${num(t.pointsOutstanding)};兑换率 ${percent(t.redemptionRate)},每兑换 1 积分成本 ${t.costPerRedeemedPointFen === null ? '—' : `${(t.costPerRedeemedPointFen / 100).toFixed(2)} 元`}。`,
        `支出占集体收入 ${percent(t.spendingShareOfCollectiveIncome)};居民参与率 ${percent(t.participationRate)};AAA级信用户 ${num(t.aaaHouseholds)} 户;先诊疗后付费未结账单 ${num(t.deferredBillsOutstanding)} 笔 (${yuan(t.deferredBillsOutstandingFen)} 元),其中逾期 ${num(t.deferredBillsOverdue)} 笔 (${yuan(t.deferredBillsOverdueFen)} 元)。`,
      ].join('\n'),
    );
  doc.moveDown(0.8);

  const rows = [
    ...report.communities,
    { ...report.totals, name: '合计', regionId: report.regionId, kind: 'total' },
  ];
  doc.fontSize(11).text('各社区(村)指标', { underline: true });
  doc.moveDown(0.3);
  table(
    doc,
    [
      { header: '社区/村', width: 92, cell: (f) => f.name },
      { header: '资金收入(元)', width: 62, cell: (f) => yuan(f.fundsInFen) },
      { header: '社会捐赠占比', width: 52, cell: (f) => percent(f.socialDonationShare) },
      { header: '支出(元)', width: 62, cell: (f) => yuan(f.spendingFen) },
      { header: '兑换成本(元)', width: 58, cell: (f) => yuan(f.costOfRedemptionsFen) },
      { header: '发放积分', width: 48, cell: (f) => num(f.pointsIssued) },
      { header: '扣减积分', width: 42, cell: (f) => num(f.pointsDeducted) },
      { header: '兑换积分', width: 48, cell: (f) => num(f.pointsRedeemed) },
      { header: '结余积分', width: 48, cell: (f) => num(f.pointsOutstanding) },
      { header: '兑换率', width: 40, cell: (f) => percent(f.redemptionRate) },
      { header: '支出占集体收入', width: 58, cell: (f) => percent(f.spendingShareOfCollectiveIncome) },
      { header: '参与率', width: 40, cell: (f) => percent(f.participationRate) },
      { header: 'AAA户', width: 34, cell: (f) => num(f.aaaHouseholds) },
      {
        header: '未结/逾期账单',
        width: 64,
        cell: (f) => `${num(f.deferredBillsOutstanding)} / ${num(f.deferredBillsOverdue)}`,
      },
    ],
    rows,
  );

  doc.fontSize(11).text('资金来源(元,占比)', { underline: true });
  doc.moveDown(0.3);
  table(
    doc,
    [
      { header: '社区/村', width: 104, cell: (f) => f.name },
      ...FUNDING_SOURCES.map((s) => ({
        header: SOURCE_LABELS[s],
        width: 88,
        cell: (f: ReportFigures) =>
          f.fundsBySource[s].fen
            ? `${yuan(f.fundsBySource[s].fen)} (${percent(f.fundsBySource[s].share)})`
            : '—',
      })),
    ],
    rows,
  );

  doc.addPage();
  doc.fontSize(11).text('资金来源与兑换率', { underline: true });
  doc.moveDown(0.3);
  const maxWidth = doc.page.width - 2 * MARGIN;
  doc.image(chartPng, MARGIN, doc.y, { fit: [maxWidth, doc.page.height - doc.y - MARGIN - 10] });

  doc.addPage();
  doc.fontSize(11).text('审核记录', { underline: true });
  doc.moveDown(0.3);
  doc.fontSize(9);
  if (!report.reviews.length) doc.text('暂无审核记录(草稿)。');
  for (const r of report.reviews) {
    doc.text(
      `${timeLabel(r.at)}  第 ${r.version} 版  ${ACTION_LABELS[r.action]}  ${r.actorName}  (${REVIEW_LABELS[r.fromStatus]} → ${REVIEW_LABELS[r.toStatus]})${r.comment ? `  意见: ${r.comment}` : ''}`,
    );
    doc.moveDown(0.2);
  }
  doc.end();
  return done;
}
