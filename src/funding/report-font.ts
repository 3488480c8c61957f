import { existsSync } from 'node:fs';
import { DomainError } from '../common/domain-error';

/** A CJK font file; `postscriptName` picks the face of a TrueType collection (.ttc). */
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
 * `REPORT_FONT_PATH` as given: `/path/font.ttf`, or `/path/fonts.ttc#PostScriptName` for one face of
 * a collection.
 */
export function parseFontSetting(setting: string): ReportFont {
  const hash = setting.lastIndexOf('#');
  if (hash > 0) return { path: setting.slice(0, hash), postscriptName: setting.slice(hash + 1) || undefined };
  return { path: setting };
}

/**
 * The font for charts and PDFs: the configured one (which must exist), else the first Debian CJK
 * font present. Without one, Chinese cannot be drawn, so building a chart or a PDF fails with a
 * 503 that says what to install.
 */
export function resolveReportFont(
  configured: string | null,
  exists: (path: string) => boolean = existsSync,
): ReportFont {
  if (configured) {
    const font = parseFontSetting(configured);
    if (exists(font.path)) return font;
    throw new DomainError(
      'SERVICE_UNAVAILABLE',
      { reportFontPath: font.path },
      `REPORT_FONT_PATH names ${font.path}, which does not exist`,
    );
  }
  const found = DEBIAN_CJK_FONTS.find((f) => exists(f.path));
  if (found) return found;
  throw new DomainError(
    'SERVICE_UNAVAILABLE',
    { searched: DEBIAN_CJK_FONTS.map((f) => f.path) },
    'no CJK font for report charts and PDFs: install one (apt-get install -y fonts-wqy-microhei) or set REPORT_FONT_PATH',
  );
}
