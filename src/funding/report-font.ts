import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import * as fontkit from 'fontkit';
import { refuse } from '../common/errors';

/** A font file; `postscriptName` picks the face of a TrueType collection (.ttc). */
export interface ReportFont {
  path: string;
  postscriptName?: string;
}

/**
 * Where Debian puts the CJK fonts that install with apt (stack-notes.md), in order of preference:
 * fonts-wqy-microhei (what .ci/run and the Dockerfile install), fonts-droid-fallback,
 * fonts-noto-cjk, fonts-wqy-zenhei.
 */
export const DEBIAN_CJK_FONTS: readonly ReportFont[] = [
  { path: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', postscriptName: 'WenQuanYiMicroHei' },
  { path: '/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf' },
  { path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', postscriptName: 'NotoSansCJKsc-Regular' },
  { path: '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', postscriptName: 'WenQuanYiZenHei' },
];

/**
 * Latin fonts for what a CJK font lacks: Droid Sans Fallback has no digits, no Latin letters and no
 * ASCII punctuation (it is made to stand behind another font). fonts-dejavu-core (what .ci/run and
 * the Dockerfile install; most Debian systems have it), fonts-liberation, fonts-noto-core.
 */
export const DEBIAN_LATIN_FONTS: readonly ReportFont[] = [
  { path: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf' },
  { path: '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf' },
  { path: '/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf' },
];

/** What every report prints: the digits, Latin letters and ASCII punctuation of the figures, ids and names. */
const ASCII = String.fromCharCode(...Array.from({ length: 0x7e - 0x20 }, (_, i) => 0x21 + i));
/** Chinese of the reports' fixed text: a font without these cannot draw a report. */
const CHINESE = '积分制资金保障与可持续性报告社区村元合计';

const unavailable = (details: Record<string, unknown>, message: string) =>
  refuse('SERVICE_UNAVAILABLE', details, message);

/** One face of a font file, loaded: its bytes (for pdfkit and the canvas) and the characters it has. */
export class FontFace {
  /** Top of the tallest glyphs above the baseline and bottom below it, in em. */
  readonly ascent: number;
  readonly descent: number;

  constructor(
    readonly source: ReportFont,
    /** The file as read (a collection stays a collection: pdfkit picks the face by name). */
    readonly file: Buffer,
    /** The parsed face, shared by every document (pdfkit takes it as it is: parsed once per process). */
    readonly font: fontkit.Font,
    /** Index of the face in its collection (0 for a plain .ttf/.otf). */
    private readonly index: number,
  ) {
    this.ascent = font.ascent / font.unitsPerEm;
    this.descent = -font.descent / font.unitsPerEm;
  }

  get label(): string {
    return `${basename(this.source.path)}${this.source.postscriptName ? `#${this.source.postscriptName}` : ''}`;
  }

  /** The face's PostScript name (pdfkit's name for a face of a collection). */
  get postscriptName(): string {
    return this.font.postscriptName;
  }

  has(codePoint: number): boolean {
    return this.font.hasGlyphForCodePoint(codePoint);
  }

  /**
   * The face as a standalone font file: a face of a collection is copied out of it (the canvas loads
   * only the first face of a .ttc, which for Noto CJK is the Japanese one).
   */
  standalone(): Buffer {
    return faceOfCollection(this.file, this.index);
  }
}

/** Reads a font file and the face named by `postscriptName` (the first face of a collection otherwise). */
export function loadFace(font: ReportFont): FontFace {
  let file: Buffer;
  let loaded: fontkit.Font | fontkit.FontCollection | null;
  try {
    file = readFileSync(font.path);
    loaded = fontkit.create(file);
  } catch (err) {
    throw unavailable(
      { reportFontPath: font.path },
      `${font.path} is not a font file that can be read (${(err as Error).message})`,
    );
  }
  if (!('fonts' in loaded)) return new FontFace(font, file, loaded, 0);
  const faces = loaded.fonts;
  const index = font.postscriptName ? faces.findIndex((f) => f.postscriptName === font.postscriptName) : 0;
  if (index < 0)
    throw unavailable(
      { reportFontPath: font.path, faces: faces.map((f) => f.postscriptName) },
      `${font.path} has no face named ${font.postscriptName}; it has ${faces.map((f) => f.postscriptName).join(', ')}`,
    );
  return new FontFace({ ...font, postscriptName: faces[index].postscriptName }, file, faces[index], index);
}

/** A run of text that one face of the stack draws. */
export interface TextRun {
  face: number;
  text: string;
}

/**
 * Fonts in order of preference, chosen per character: each character is drawn by the first face
 * that has it (the first face when none has), as a browser does with a CSS font-family list.
 */
export class FontStack {
  constructor(readonly faces: readonly FontFace[]) {}

  faceFor(codePoint: number): number {
    const i = this.faces.findIndex((f) => f.has(codePoint));
    return i < 0 ? 0 : i;
  }

  /** The text cut into runs of one face; spaces and marks stay in the run they follow. */
  runs(text: string): TextRun[] {
    const runs: TextRun[] = [];
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      const last = runs[runs.length - 1];
      const keep =
        last &&
        (/[\s\p{M}]/u.test(ch) || ch === '\u200d' || ch === '\ufe0f') &&
        this.faces[last.face].has(cp);
      const face = keep ? last.face : this.faceFor(cp);
      if (last && last.face === face) last.text += ch;
      else runs.push({ face, text: ch });
    }
    return runs;
  }

  /** The characters of `text` that no face of the stack has. */
  missing(text: string): string[] {
    return [...new Set(text)].filter((ch) => !this.faces.some((f) => f.has(ch.codePointAt(0)!)));
  }
}

/**
 * `REPORT_FONT_PATH` as given: fonts in order of preference, separated by commas; each
 * `/path/font.ttf`, or `/path/fonts.ttc#PostScriptName` for one face of a collection.
 */
export function parseFontSetting(setting: string): ReportFont[] {
  return setting
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const hash = s.lastIndexOf('#');
      if (hash > 0) return { path: s.slice(0, hash), postscriptName: s.slice(hash + 1) || undefined };
      return { path: s };
    });
}

export interface FontDeps {
  exists: (path: string) => boolean;
  load: (font: ReportFont) => FontFace;
}

/**
 * The fonts for charts and PDFs: the configured ones (which must exist), else the first Debian CJK
 * font present; then the first Debian Latin font present, for what they lack. The stack must draw
 * every ASCII character and the reports' Chinese; otherwise building a chart or a PDF fails with a
 * 503 that says what to install (a report of empty boxes is worse than no report).
 */
export function resolveReportFonts(
  configured: string | null,
  deps: FontDeps = { exists: existsSync, load: loadFace },
): FontStack {
  let chosen: ReportFont[];
  if (configured) {
    chosen = parseFontSetting(configured);
    for (const font of chosen)
      if (!deps.exists(font.path))
        throw unavailable(
          { reportFontPath: font.path },
          `REPORT_FONT_PATH names ${font.path}, which does not exist`,
        );
  } else {
    const cjk = DEBIAN_CJK_FONTS.find((f) => deps.exists(f.path));
    if (!cjk)
      throw unavailable(
        { searched: DEBIAN_CJK_FONTS.map((f) => f.path) },
        'no CJK font for report charts and PDFs: install one (apt-get install -y fonts-wqy-microhei) or set REPORT_FONT_PATH',
      );
    chosen = [cjk];
  }
  const latin = DEBIAN_LATIN_FONTS.find((f) => deps.exists(f.path) && !chosen.some((c) => c.path === f.path));
  const stack = new FontStack([...chosen, ...(latin ? [latin] : [])].map(deps.load));
  const names = stack.faces.map((f) => f.label).join(', ');
  const noAscii = stack.missing(ASCII);
  if (noAscii.length)
    throw unavailable(
      { fonts: stack.faces.map((f) => f.source.path), missing: noAscii.join('') },
      `the report fonts (${names}) have no glyphs for ${noAscii.length} of the ASCII characters (digits, Latin letters, punctuation: ${noAscii.slice(0, 12).join(' ')}): install fonts-dejavu-core (apt-get install -y fonts-dejavu-core) or add a font that has them to REPORT_FONT_PATH`,
    );
  if (stack.missing(CHINESE).length)
    throw unavailable(
      { fonts: stack.faces.map((f) => f.source.path) },
      `the report fonts (${names}) have no Chinese glyphs: set REPORT_FONT_PATH to a CJK font (e.g. ${DEBIAN_CJK_FONTS[0].path})`,
    );
  return stack;
}

/**
 * Face `index` of a TrueType/OpenType collection as a file of its own: the collection's table
 * directory of that face, with each table copied after it (4-byte aligned). A plain font is
 * returned as it is.
 */
export function faceOfCollection(file: Buffer, index: number): Buffer {
  if (file.toString('latin1', 0, 4) !== 'ttcf') return file;
  const start = file.readUInt32BE(12 + 4 * index);
  const numTables = file.readUInt16BE(start + 4);
  const dirLength = 12 + 16 * numTables;
  const directory = Buffer.from(file.subarray(start, start + dirLength));
  const tables: Buffer[] = [];
  let offset = dirLength;
  for (let i = 0; i < numTables; i++) {
    const record = 12 + 16 * i;
    const at = directory.readUInt32BE(record + 8);
    const length = directory.readUInt32BE(record + 12);
    directory.writeUInt32BE(offset, record + 8);
    const padded = (length + 3) & ~3;
    tables.push(file.subarray(at, at + length), Buffer.alloc(padded - length));
    offset += padded;
  }
  return Buffer.concat([directory, ...tables]);
}
