import { DomainError } from '../common/domain-error';
import { DEBIAN_CJK_FONTS, parseFontSetting, resolveReportFont } from './report-font';

describe('report font', () => {
  it('takes the first Debian CJK font present', () => {
    const droid = DEBIAN_CJK_FONTS[1].path;
    expect(resolveReportFont(null, (p) => p === droid)).toEqual(DEBIAN_CJK_FONTS[1]);
    expect(resolveReportFont(null, () => true)).toEqual(DEBIAN_CJK_FONTS[0]);
  });

  it('prefers REPORT_FONT_PATH, with a face of a collection after #', () => {
    expect(parseFontSetting('/f/a.ttc#FaceName')).toEqual({ path: '/f/a.ttc', postscriptName: 'FaceName' });
    expect(resolveReportFont('/f/a.ttf', (p) => p === '/f/a.ttf')).toEqual({ path: '/f/a.ttf' });
  });

  it('fails with a clear 503 when there is no font', () => {
    expect(() => resolveReportFont(null, () => false)).toThrow(/fonts-wqy-microhei/);
    try {
      resolveReportFont('/missing.ttf', () => false);
      throw new Error('no error');
    } catch (err) {
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).status).toBe(503);
      expect((err as DomainError).message).toMatch(/REPORT_FONT_PATH/);
    }
  });
});
