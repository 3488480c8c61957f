import { maskName } from './masking';

describe('maskName', () => {
  it.each([
    ['张小红', '张*红'],
    ['张红', '张*'],
    ['欧阳志远', '欧*远'],
    ['王', '*'],
    ['', '*'],
    ['  李明  ', '李*'],
    ['John Smith', 'J*h'],
    ['𠀋小红', '𠀋*红'],
  ])('%s → %s', (name, masked) => {
    expect(maskName(name)).toBe(masked);
  });

  it('handles null and undefined', () => {
    expect(maskName(null)).toBe('*');
    expect(maskName(undefined)).toBe('*');
  });
});
