import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import { Chart, registerables, type ChartConfiguration, type Plugin } from 'chart.js';
import { FUNDING_SOURCES, SOURCE_LABELS } from './funding.types';
import type { ReportDocument } from './report-document';
import type { FontFace, FontStack } from './report-font';
import { periodLabel } from './report-period';

Chart.register(...registerables);

/** The canvas family name of each face registered so far (by file and face). */
const families = new Map<string, string>();

function familyOf(face: FontFace): string {
  const key = `${face.source.path}#${face.postscriptName}`;
  let family = families.get(key);
  if (!family) {
    family = `ReportFont${families.size}`;
    if (!GlobalFonts.register(face.standalone(), family))
      throw new Error(`the canvas could not load the report font ${face.label}`);
    families.set(key, family);
  }
  return family;
}

/**
 * The stack as a CSS font-family list: the canvas draws each character in the first family that
 * has it, like the PDF (a CJK font without Latin letters gets its digits from the Latin font).
 */
export function fontFamily(fonts: FontStack): string {
  return fonts.faces.map(familyOf).join(', ');
}

const PALETTE = ['#d9534f', '#f0ad4e', '#5bc0de', '#5cb85c', '#428bca', '#9b59b6', '#8d6e63'];

/** Chart.js leaves the canvas transparent: paint it white first so the PNG reads anywhere. */
const whiteBackground: Plugin = {
  id: 'whiteBackground',
  beforeDraw: (chart) => {
    const ctx = chart.ctx;
    ctx.save();
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, chart.width, chart.height);
    ctx.restore();
  },
};

/** Writes each community's redemption rate next to its point, so the chart reads without the axis. */
const rateLabels = (family: string): Plugin => ({
  id: 'rateLabels',
  afterDatasetsDraw: (chart) => {
    const index = chart.data.datasets.findIndex((d) => (d as { type?: string }).type === 'line');
    if (index < 0) return;
    const ctx = chart.ctx;
    ctx.save();
    ctx.font = `13px ${family}`;
    ctx.fillStyle = '#222222';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'bottom';
    chart.getDatasetMeta(index).data.forEach((point, i) => {
      const v = chart.data.datasets[index].data[i];
      if (typeof v !== 'number') return;
      ctx.fillText(`${v.toFixed(1)}%`, point.x, point.y - 9);
    });
    ctx.restore();
  },
});

/**
 * The report's chart, drawn by Chart.js on @napi-rs/canvas: funds received per community as bars
 * stacked by source (yuan, left axis) and each community's redemption rate as a line (%, right
 * axis). The title names the region and the period (China time, the last day included).
 */
export function renderChart(doc: ReportDocument, fonts: FontStack): Buffer {
  const family = fontFamily(fonts);
  const labels = doc.communities.map((c) => c.name);
  const width = Math.max(960, 160 + labels.length * 90);
  const height = 560;
  const canvas = createCanvas(width, height);
  const used = FUNDING_SOURCES.filter((s) => doc.communities.some((c) => c.fundsBySource[s].fen > 0));
  const config: ChartConfiguration<'bar' | 'line', Array<number | null>, string> = {
    type: 'bar',
    data: {
      labels,
      datasets: [
        ...used.map((s) => ({
          type: 'bar' as const,
          label: SOURCE_LABELS[s],
          data: doc.communities.map((c) => c.fundsBySource[s].fen / 100),
          backgroundColor: PALETTE[FUNDING_SOURCES.indexOf(s) % PALETTE.length],
          stack: 'funds',
          yAxisID: 'y',
          order: 2,
        })),
        {
          type: 'line' as const,
          label: '积分兑换率 (%, 右轴)',
          data: doc.communities.map((c) => (c.redemptionRate === null ? null : c.redemptionRate * 100)),
          borderColor: '#222222',
          backgroundColor: '#222222',
          pointRadius: 6,
          pointStyle: 'rectRot',
          showLine: false,
          borderWidth: 2,
          yAxisID: 'y1',
          order: 1,
        },
      ],
    },
    options: {
      responsive: false,
      animation: false,
      devicePixelRatio: 1,
      font: { family, size: 14 },
      plugins: {
        title: {
          display: true,
          text: [`${doc.regionName} 积分制资金来源与积分兑换率`, `报告期 ${periodLabel(doc.from, doc.to)}`],
          font: { family, size: 18 },
        },
        legend: { position: 'bottom', labels: { font: { family, size: 13 } } },
      },
      scales: {
        x: { stacked: true, ticks: { font: { family, size: 13 } } },
        y: {
          stacked: true,
          beginAtZero: true,
          grace: '5%',
          title: { display: true, text: '资金收入 (元)', font: { family, size: 13 } },
          ticks: { font: { family } },
        },
        y1: {
          position: 'right',
          min: 0,
          max: 100,
          grid: { drawOnChartArea: false },
          title: { display: true, text: '兑换率 (%)', font: { family, size: 13 } },
          ticks: { font: { family } },
        },
      },
    },
    plugins: [whiteBackground, rateLabels(family)],
  };
  const chart = new Chart(
    canvas as unknown as ConstructorParameters<typeof Chart>[0],
    config as ChartConfiguration,
  );
  try {
    return canvas.toBuffer('image/png');
  } finally {
    chart.destroy();
  }
}
