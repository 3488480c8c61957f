import PDFDocument from 'pdfkit';
import { FUNDING_SOURCES, SOURCE_LABELS } from './funding.types';
import { percent, ReportFigures, yuan } from './report-arithmetic';
import type { ReportDocument } from './report-document';
import type { FontStack } from './report-font';
import { periodLabel, timeLabel } from './report-period';
import { ACTION_LABELS, REVIEW_LABELS } from './report-review';
import { PdfText } from './report-text';

type Doc = InstanceType<typeof PDFDocument>;
type Row = ReportFigures & { name: string };

const MARGIN = 36;
const CELL_PAD = 3;
const num = (v: number | null) => (v === null ? '—' : v.toLocaleString('en-US'));

interface Column {
  header: string;
  width: number;
  align?: 'left' | 'right';
  cell: (f: Row) => string;
}

/** Where the next line goes; breaks pages. Every piece of text goes through the font stack. */
class Layout {
  y = MARGIN;

  constructor(
    readonly doc: Doc,
    readonly text: PdfText,
  ) {}

  get width(): number {
    return this.doc.page.width - 2 * MARGIN;
  }

  private get bottom(): number {
    return this.doc.page.height - MARGIN;
  }

  newPage(): void {
    this.doc.addPage();
    this.y = MARGIN;
  }

  gap(points: number): void {
    this.y += points;
  }

  /** Text across the page, wrapped, a page break between lines when the page is full. */
  para(
    text: string,
    size: number,
    o: { align?: 'left' | 'center'; color?: string; underline?: boolean } = {},
  ): void {
    const color = o.color ?? '#000000';
    const height = this.text.lineHeight(size);
    for (const line of this.text.lines(text, this.width, size)) {
      if (this.y + height > this.bottom) this.newPage();
      this.doc.fillColor(color).strokeColor(color);
      this.text.line(line, MARGIN, this.y, {
        width: this.width,
        size,
        align: o.align,
        underline: o.underline,
      });
      this.y += height;
    }
  }

  heading(text: string): void {
    if (this.y + 60 > this.bottom) this.newPage();
    this.para(text, 11, { underline: true });
    this.gap(4);
  }

  /** A grid: a header row of up to two lines, then one line per record (cut with "…"), across pages. */
  table(columns: Column[], rows: Row[], size = 8): void {
    const width = columns.reduce((a, c) => a + c.width, 0);
    const lineHeight = this.text.lineHeight(size);
    const bodyHeight = lineHeight + 2 * CELL_PAD;
    const headerHeight = 2 * lineHeight + 2 * CELL_PAD;
    const row = (cells: string[], header: boolean) => {
      const height = header ? headerHeight : bodyHeight;
      if (header) this.doc.rect(MARGIN, this.y, width, height).fill('#eeeeee');
      this.doc.fillColor('#000000');
      let x = MARGIN;
      cells.forEach((text, i) => {
        const c = columns[i];
        this.text.box(text, x + CELL_PAD, this.y + CELL_PAD, {
          width: c.width - 2 * CELL_PAD,
          size,
          align: header ? 'left' : c.align,
          maxLines: header ? 2 : 1,
        });
        x += c.width;
      });
      this.y += height;
      this.doc
        .moveTo(MARGIN, this.y)
        .lineTo(MARGIN + width, this.y)
        .lineWidth(0.5)
        .strokeColor('#999999')
        .stroke();
    };
    const header = () =>
      row(
        columns.map((c) => c.header),
        true,
      );
    if (this.y + headerHeight + bodyHeight > this.bottom) this.newPage();
    header();
    for (const r of rows) {
      if (this.y + bodyHeight > this.bottom) {
        this.newPage();
        header();
      }
      row(
        columns.map((c) => c.cell(r)),
        false,
      );
    }
    this.gap(12);
  }

  image(png: Buffer): void {
    this.doc.image(png, MARGIN, this.y, { fit: [this.width, this.bottom - this.y - 10] });
  }

  /** "第 n 页 / 共 m 页" at the foot of every page (the pages are buffered until the end). */
  pageNumbers(): void {
    const { start, count } = this.doc.bufferedPageRange();
    for (let i = start; i < start + count; i++) {
      this.doc.switchToPage(i);
      this.doc.fillColor('#666666');
      this.text.line(`第 ${i + 1} 页 / 共 ${count} 页`, MARGIN, this.doc.page.height - MARGIN + 8, {
        width: this.width,
        size: 7,
        align: 'center',
      });
    }
  }
}

const money = (f: Row, s: (typeof FUNDING_SOURCES)[number]) =>
  f.fundsBySource[s].fen ? `${yuan(f.fundsBySource[s].fen)} (${percent(f.fundsBySource[s].share)})` : '—';

/**
 * The printable report (A4 landscape): title and period, the figures of every community and the
 * total, funds by source, the chart and the review trail. Every character is set in the first font
 * of the stack that has it (a CJK font, and a Latin font for the digits and letters a CJK font may
 * lack); pdfkit embeds the subsets with a ToUnicode map, so the text layer keeps names and figures.
 */
export function renderPdf(report: ReportDocument, chartPng: Buffer, fonts: FontStack): Promise<Buffer> {
  const title = `${report.regionName} 积分制资金保障与可持续性报告`;
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: MARGIN,
    bufferPages: true,
    info: { Title: title, Subject: `报告期 ${periodLabel(report.from, report.to)}`, Author: 'Jifen Market' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const out = new Layout(doc, new PdfText(doc, fonts));
  header(out, report, title);
  summary(out, report.totals);
  const rows: Row[] = [...report.communities, { ...report.totals, name: '合计' }];
  communityTable(out, rows);
  sourcesTable(out, rows);
  out.newPage();
  out.heading('资金来源与积分兑换率');
  out.image(chartPng);
  reviewTrail(out, report.reviews);
  out.pageNumbers();
  doc.end();
  return done;
}

function header(out: Layout, report: ReportDocument, title: string): void {
  out.para(title, 18, { align: 'center' });
  out.gap(4);
  out.para(
    `报告期 ${periodLabel(report.from, report.to)}    版本 第 ${report.version} 版    审核状态 ${REVIEW_LABELS[report.reviewStatus]}    生成时间 ${timeLabel(report.builtAt)}（北京时间）`,
    10,
    { align: 'center' },
  );
  out.para(`内容校验 (SHA-256) ${report.contentHash}`, 7, { align: 'center', color: '#666666' });
  out.gap(12);
}

function summary(out: Layout, t: ReportDocument['totals']): void {
  const perPoint =
    t.costPerRedeemedPointFen === null ? '—' : `${(t.costPerRedeemedPointFen / 100).toFixed(2)} 元`;
  out.heading('总体情况');
  out.para(
    [
      `资金收入 ${yuan(t.fundsInFen)} 元，其中社会捐赠占 ${percent(t.socialDonationShare)}；支出 ${yuan(t.spendingFen)} 元，兑换成本 ${yuan(t.costOfRedemptionsFen)} 元。`,
      `发放积分 ${num(t.pointsIssued)}，扣减 ${num(t.pointsDeducted)}，兑换 ${num(t.pointsRedeemed)}，过期 ${num(t.pointsExpired)}，期末结余 ${num(t.pointsOutstanding)}；兑换率 ${percent(t.redemptionRate)}，每兑换 1 积分成本 ${perPoint}。`,
      `支出占集体收入 ${percent(t.spendingShareOfCollectiveIncome)}；居民参与率 ${percent(t.participationRate)}；AAA级信用户 ${num(t.aaaHouseholds)} 户；先诊疗后付费未结账单 ${num(t.deferredBillsOutstanding)} 笔（${yuan(t.deferredBillsOutstandingFen)} 元），其中逾期 ${num(t.deferredBillsOverdue)} 笔（${yuan(t.deferredBillsOverdueFen)} 元）。`,
    ].join('\n'),
    9,
  );
  out.gap(12);
}

/** A figure column: right-aligned, `show` formats `of` the row. */
const fig = <T>(header: string, width: number, of: (f: Row) => T, show: (v: T) => string): Column => ({
  header,
  width,
  align: 'right',
  cell: (f) => show(of(f)),
});

function communityTable(out: Layout, rows: Row[]): void {
  out.heading('各社区（村）指标');
  out.table(
    [
      { header: '社区/村', width: 92, cell: (f) => f.name },
      fig('资金收入(元)', 62, (f) => f.fundsInFen, yuan),
      fig('社会捐赠占\n资金收入', 52, (f) => f.socialDonationShare, percent),
      fig('支出(元)', 62, (f) => f.spendingFen, yuan),
      fig('兑换成本(元)', 58, (f) => f.costOfRedemptionsFen, yuan),
      fig('发放积分', 48, (f) => f.pointsIssued, num),
      fig('扣减积分', 42, (f) => f.pointsDeducted, num),
      fig('兑换积分', 48, (f) => f.pointsRedeemed, num),
      fig('期末结余\n积分', 48, (f) => f.pointsOutstanding, num),
      fig('兑换率', 40, (f) => f.redemptionRate, percent),
      fig('支出占集体\n年收入', 58, (f) => f.spendingShareOfCollectiveIncome, percent),
      fig('参与率', 40, (f) => f.participationRate, percent),
      fig('AAA户', 34, (f) => f.aaaHouseholds, num),
      fig(
        '医疗账单(笔)\n未结/其中逾期',
        64,
        (f) => [f.deferredBillsOutstanding, f.deferredBillsOverdue],
        (v) => v.map(num).join(' / '),
      ),
    ],
    rows,
  );
}

function sourcesTable(out: Layout, rows: Row[]): void {
  out.heading('资金来源（元，占资金收入比例）');
  out.table(
    [
      { header: '社区/村', width: 104, cell: (f) => f.name },
      ...FUNDING_SOURCES.map((s) =>
        fig(
          SOURCE_LABELS[s],
          94,
          (f) => f,
          (f) => money(f, s),
        ),
      ),
    ],
    rows,
  );
}

function reviewTrail(out: Layout, reviews: ReportDocument['reviews']): void {
  out.newPage();
  out.heading('审核记录');
  if (!reviews.length) out.para('暂无审核记录（草稿）。', 9);
  for (const r of reviews) {
    out.para(
      `${timeLabel(r.at)}  第 ${r.version} 版  ${ACTION_LABELS[r.action]}  ${r.actorName}  （${REVIEW_LABELS[r.fromStatus]} → ${REVIEW_LABELS[r.toStatus]}）${r.comment ? `  意见：${r.comment}` : ''}`,
      9,
    );
    out.gap(3);
  }
}
