import { DomainError } from '../common/domain-error';
import {
  DEBIAN_CJK_FONTS,
  DEBIAN_LATIN_FONTS,
  FontDeps,
  FontFace,
  FontStack,
  parseFontSetting,
  resolveReportFonts,
} from './report-font';

const DROID = DEBIAN_CJK_FONTS[1].path;
const WQY = DEBIAN_CJK_FONTS[0].path;
const DEJAVU = DEBIAN_LATIN_FONTS[0].path;

const isHan = (cp: number) => cp >= 0x4e00 && cp <= 0x9fff;
const isAscii = (cp: number) => cp >= 0x20 && cp < 0x7f;
/** What the Debian fonts draw: Droid Sans Fallback has no ASCII but the space; DejaVu Sans no Chinese. */
const COVERAGE: Record<string, (cp: number) => boolean> = {
  [DROID]: (cp) => isHan(cp) || cp === 0x20 || cp === 0xff08 || cp === 0xff09,
  [WQY]: (cp) => isHan(cp) || isAscii(cp),
  [DEJAVU]: (cp) => isAscii(cp) || cp === 0x2014,
};

/** The fonts of `present` as faces that answer from COVERAGE (no file read). */
function deps(...present: string[]): FontDeps {
  return {
    exists: (p) => present.includes(p),
    load: (font) =>
      ({
        source: font,
        label: font.path,
        has: (cp: number) => COVERAGE[font.path](cp),
      }) as unknown as FontFace,
  };
}

const failure = (fn: () => unknown): DomainError => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    return err as DomainError;
  }
  throw new Error('no error');
};

describe('report fonts', () => {
  it('takes the first Debian CJK font present, then a Latin font for what it lacks', () => {
    const droidOnly = resolveReportFonts(null, deps(DROID, DEJAVU));
    expect(droidOnly.faces.map((f) => f.source.path)).toEqual([DROID, DEJAVU]);
    const both = resolveReportFonts(null, deps(DROID, WQY, DEJAVU));
    expect(both.faces[0].source).toEqual(DEBIAN_CJK_FONTS[0]);
  });

  it('reads REPORT_FONT_PATH as fonts in order of preference, a face of a collection after #', () => {
    expect(parseFontSetting('/f/a.ttc#FaceName')).toEqual([{ path: '/f/a.ttc', postscriptName: 'FaceName' }]);
    expect(parseFontSetting(' /f/a.ttf , /f/b.ttc#B ')).toEqual([
      { path: '/f/a.ttf' },
      { path: '/f/b.ttc', postscriptName: 'B' },
    ]);
    const stack = resolveReportFonts(`${DROID},${DEJAVU}`, deps(DROID, DEJAVU, WQY));
    expect(stack.faces.map((f) => f.source.path)).toEqual([DROID, DEJAVU]);
  });

  it('sets each character in the first font that has it', () => {
    const stack = resolveReportFonts(null, deps(DROID, DEJAVU));
    expect(stack.runs('资金收入 12,345.67 元（含）')).toEqual([
      { face: 0, text: '资金收入 ' },
      { face: 1, text: '12,345.67 ' },
      { face: 0, text: '元（含）' },
    ]);
    expect(stack.runs('—')).toEqual([{ face: 1, text: '—' }]);
    // A character no font has stays with the first font (it shows as a box there).
    expect(stack.runs('😀')).toEqual([{ face: 0, text: '😀' }]);
    const wqy = resolveReportFonts(null, deps(WQY, DEJAVU));
    expect(wqy.runs('资金收入 12,345.67 元')).toEqual([{ face: 0, text: '资金收入 12,345.67 元' }]);
  });

  it('refuses a font without digits and Latin letters when no Latin font is there, naming the package', () => {
    const err = failure(() => resolveReportFonts(null, deps(DROID)));
    expect(err.status).toBe(503);
    expect(err.message).toMatch(/DroidSansFallbackFull\.ttf/);
    expect(err.message).toMatch(/fonts-dejavu-core/);
    expect(failure(() => resolveReportFonts(DROID, deps(DROID))).message).toMatch(/ASCII/);
  });

  it('refuses fonts without Chinese', () => {
    expect(failure(() => resolveReportFonts(DEJAVU, deps(DEJAVU))).message).toMatch(/no Chinese glyphs/);
  });

  it('fails with a clear 503 when there is no font', () => {
    expect(failure(() => resolveReportFonts(null, deps())).message).toMatch(/fonts-wqy-microhei/);
    const err = failure(() => resolveReportFonts('/missing.ttf', deps()));
    expect(err.status).toBe(503);
    expect(err.message).toMatch(/REPORT_FONT_PATH names \/missing\.ttf/);
  });

  it('keeps the stack it is given', () => {
    const faces = [{ has: () => false }] as unknown as FontFace[];
    expect(new FontStack(faces).missing('a中')).toEqual(['a', '中']);
  });
});
