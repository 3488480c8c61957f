import { createCanvas } from '@napi-rs/canvas';
import { existsSync } from 'node:fs';
import { PNG } from 'pngjs';
import { pdfText } from '../../test/support/pdf';
import { communityFigures, emptyAmounts, totalsOf, type CommunityAmounts } from './report-arithmetic';
import { fontFamily, renderChart } from './report-chart';
import type { ReportDocument } from './report-document';
import { DEBIAN_CJK_FONTS, DEBIAN_LATIN_FONTS, loadFace, FontStack, resolveReportFonts } from './report-font';
import { renderPdf } from './report-pdf';

// The renderers with the real fonts of this machine: every CJK font the README supports that is
// installed here (.ci/run installs all three), each with the Latin font for what it lacks.
const SUPPORTED = DEBIAN_CJK_FONTS.slice(0, 3);
const present = SUPPORTED.filter((f) => existsSync(f.path));
const setting = (f: (typeof SUPPORTED)[number]) =>
  f.postscriptName ? `${f.path}#${f.postscriptName}` : f.path;

const community = (id: string, name: string, a: Partial<CommunityAmounts>): CommunityAmounts => ({
  ...emptyAmounts({ id, name, kind: 'community' }),
  ...a,
});
const list = [
  community('c1', '桃花园社区', {
    fundsBySourceFen: { social_donation: 600_000, community_funds: 400_000 },
    pointsIssued: 12_385,
    pointsRedeemed: 11_200,
  }),
  community('c2', 'Sunrise 社区 No.3', {
    fundsBySourceFen: { collective_economy: 30_000_000 },
    spendingFen: 26_000_000,
    collectiveIncomeFen: 163_000_000,
  }),
];
const doc: ReportDocument = {
  reportId: 'r',
  regionId: 's',
  regionName: '小蚌埠镇',
  from: '2025-12-31T16:00:00.000Z',
  to: '2026-06-30T16:00:00.000Z',
  communities: list.map(communityFigures),
  totals: totalsOf(list),
  version: 2,
  reviewStatus: 'returned',
  contentHash: 'c0ffee'.repeat(10) + 'abcd',
  builtAt: '2026-07-01T02:03:04.000Z',
  reviews: [
    {
      id: 'v',
      version: 1,
      action: 'return',
      fromStatus: 'submitted',
      toStatus: 'returned',
      actorId: 'u',
      actorName: '刘建华',
      comment: '请补充 2026 年 3 月的企业捐赠明细 (No. 17)',
      at: '2026-07-02T01:00:00.000Z',
    },
  ],
};

/** A line of text drawn on a canvas in `family`, as RGBA pixels. */
function drawn(family: string, text: string): Buffer {
  const canvas = createCanvas(420, 40);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, 420, 40);
  ctx.fillStyle = '#000000';
  ctx.font = `24px ${family}`;
  ctx.fillText(text, 4, 30);
  return PNG.sync.read(canvas.toBuffer('image/png')).data;
}

// A first PDF with Noto CJK (19 MB) parses and subsets the font: seconds on a busy machine.
jest.setTimeout(30_000);

describe('funding report PDF and chart with the supported CJK fonts', () => {
  it('finds at least one of them here (CI: all three)', () => {
    expect(present.length).toBeGreaterThan(0);
    if (process.env.CI) expect(present).toEqual(SUPPORTED);
  });

  it.each(present.map((f) => [f.path.split('/').pop()!, f] as const))(
    '%s: the PDF text layer has the figures, the period and the Latin text',
    async (_name, font) => {
      const fonts = resolveReportFonts(setting(font));
      const pdf = await renderPdf(doc, renderChart(doc, fonts), fonts);
      const text = pdfText(pdf);
      for (const s of [
        '小蚌埠镇 积分制资金保障与可持续性报告',
        '报告期 2026-01-01 至 2026-06-30（含）',
        '版本 第 2 版',
        '310,000.00', // funds in, total
        '10,000.00',
        '6,000.00 (60.0%)',
        '90.4%',
        '12,385',
        '16.0%',
        'Sunrise 社区 No.3',
        'SHA-256',
        '请补充 2026 年 3 月的企业捐赠明细 (No. 17)',
      ])
        expect(text).toContain(s);
      expect(text).toMatch(/第\s*1\s*页\s*\/\s*共\s*3\s*页/);
    },
  );

  it.each(present.map((f) => [f.path.split('/').pop()!, f] as const))(
    '%s: the chart draws digits in the font that has them',
    (_name, font) => {
      const fonts = resolveReportFonts(setting(font));
      const digits = '2026-01-01,90.4%';
      const byStack = drawn(fontFamily(fonts), digits);
      const owner = fonts.faces[fonts.faceFor('0'.codePointAt(0)!)];
      expect(byStack.equals(drawn(fontFamily(new FontStack([owner])), digits))).toBe(true);
      // ... and not blank
      expect(byStack.filter((v, i) => i % 4 === 0 && v < 128).length).toBeGreaterThan(100);
    },
  );

  it('with Droid Sans Fallback, digits and letters come from the Latin font', () => {
    const droid = DEBIAN_CJK_FONTS[1];
    const latin = DEBIAN_LATIN_FONTS.find((f) => existsSync(f.path));
    expect(existsSync(droid.path) && latin).toBeTruthy();
    expect(loadFace(droid).has('0'.codePointAt(0)!)).toBe(false);
    const fonts = resolveReportFonts(droid.path);
    expect(fonts.faces.map((f) => f.source.path)).toEqual([droid.path, latin!.path]);
    expect(fonts.runs('合计 310,000.00')).toEqual([
      { face: 0, text: '合计 ' },
      { face: 1, text: '310,000.00' },
    ]);
  });
});
