import type PDFDocument from 'pdfkit';
import type { FontStack, TextRun } from './report-font';

type Doc = InstanceType<typeof PDFDocument>;

/** Line height and the baseline's distance from the top of a line, in em (the same for every font). */
export const LINE_EM = 1.35;
const BASELINE_EM = 1.05;

/** Chinese, Japanese kana, full-width forms: a line may break before and after each of them. */
const CJK =
  /[\u2e80-\u303f\u3040-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\u{20000}-\u{3ffff}]/u;
/** No line starts with closing punctuation, and none ends with opening punctuation. */
const NO_BREAK_BEFORE = /[，。、；：！？）》」』】〕％…—,.;:!?)\]}%]/u;
const NO_BREAK_AFTER = /[（《「『【〔([{]/u;

/** Whether a line may break between `prev` and `next` (a simplified UAX #14 for Chinese reports). */
export function breakable(prev: string, next: string): boolean {
  if (/\s/.test(next)) return false;
  if (NO_BREAK_BEFORE.test(next) || NO_BREAK_AFTER.test(prev)) return false;
  return /\s/.test(prev) || CJK.test(prev) || CJK.test(next) || /[-/]/.test(prev);
}

/** The text cut where lines may break; each piece keeps the spaces that follow it. */
export function breakPieces(text: string): string[] {
  const pieces: string[] = [];
  let piece = '';
  let prev = '';
  for (const ch of text) {
    if (piece && breakable(prev, ch)) {
      pieces.push(piece);
      piece = '';
    }
    piece += ch;
    prev = ch;
  }
  if (piece) pieces.push(piece);
  return pieces;
}

export interface BoxOptions {
  width: number;
  size: number;
  align?: 'left' | 'center' | 'right';
  /** Lines beyond this are cut, the last one ending in an ellipsis. */
  maxLines?: number;
  underline?: boolean;
}

/**
 * Text set in a pdfkit document with a font stack: every run of characters in the first font that
 * has them (pdfkit uses one font per call and would draw the others as empty boxes), runs of one
 * line on one baseline, lines wrapped, aligned and cut by this class.
 */
export class PdfText {
  private readonly names: string[];

  constructor(
    private readonly doc: Doc,
    private readonly fonts: FontStack,
  ) {
    this.names = fonts.faces.map((face, i) => {
      const name = `report-font-${i}`;
      // pdfkit takes a parsed fontkit font as it is (PDFFontFactory.open): no parse per document.
      doc.registerFont(name, face.font as unknown as Buffer);
      return name;
    });
  }

  lineHeight(size: number): number {
    return size * LINE_EM;
  }

  width(text: string, size: number): number {
    return this.runWidths(this.fonts.runs(text), size).reduce((a, b) => a + b, 0);
  }

  /** The lines of `text` in `width` (a `\n` always breaks; a word wider than the line is split). */
  lines(text: string, width: number, size: number): string[] {
    const out: string[] = [];
    for (const paragraph of text.split('\n')) {
      let line = '';
      for (const piece of breakPieces(paragraph)) {
        if (this.width((line + piece).trimEnd(), size) <= width) {
          line += piece;
          continue;
        }
        if (line) out.push(line.trimEnd());
        line = piece;
        while (this.width(line.trimEnd(), size) > width) {
          const head = this.fit(line, width, size);
          out.push(head);
          line = line.slice(head.length);
        }
      }
      out.push(line.trimEnd());
    }
    return out;
  }

  /**
   * Sets `text` in a box whose top left is (x, top); returns the height used. Nothing is drawn past
   * `maxLines` lines: the last one shown ends in "…".
   */
  box(text: string, x: number, top: number, o: BoxOptions): number {
    let lines = this.lines(text, o.width, o.size);
    if (o.maxLines && lines.length > o.maxLines) {
      lines = lines.slice(0, o.maxLines);
      const last = lines.length - 1;
      const room = o.width - this.width('…', o.size);
      lines[last] = `${this.fit(lines[last], room, o.size).trimEnd()}…`;
    }
    lines.forEach((line, i) => this.line(line, x, top + i * this.lineHeight(o.size), o));
    return lines.length * this.lineHeight(o.size);
  }

  /** One line, its runs side by side on one baseline. */
  line(text: string, x: number, top: number, o: BoxOptions): void {
    const runs = this.fonts.runs(text);
    const widths = this.runWidths(runs, o.size);
    const total = widths.reduce((a, b) => a + b, 0);
    const start =
      o.align === 'center' ? x + (o.width - total) / 2 : o.align === 'right' ? x + o.width - total : x;
    const baseline = top + o.size * BASELINE_EM;
    let at = start;
    runs.forEach((run, i) => {
      this.doc
        .font(this.names[run.face])
        .fontSize(o.size)
        .text(run.text, at, baseline, { lineBreak: false, baseline: 'alphabetic' });
      at += widths[i];
    });
    if (o.underline && total > 0) {
      const y = baseline + o.size * 0.18;
      this.doc
        .save()
        .lineWidth(0.6)
        .moveTo(start, y)
        .lineTo(start + total, y)
        .stroke()
        .restore();
    }
  }

  /** The longest start of `text` (at least one character) no wider than `width`. */
  private fit(text: string, width: number, size: number): string {
    const chars = [...text];
    let lo = 1;
    let hi = chars.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (this.width(chars.slice(0, mid).join(''), size) <= width) lo = mid;
      else hi = mid - 1;
    }
    return chars.slice(0, lo).join('');
  }

  private runWidths(runs: TextRun[], size: number): number[] {
    return runs.map((r) => this.doc.font(this.names[r.face]).fontSize(size).widthOfString(r.text));
  }
}
