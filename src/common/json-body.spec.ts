import { encodeCursor, decodeCursor, TIME_ID } from './pagination';
import { MAX_JSON_DEPTH, tooDeepField, unsafeKeyPaths } from './json-body';

const buf = (s: string) => Buffer.from(s, 'utf8');

describe('tooDeepField', () => {
  it('passes bodies up to the limit and names the top-level field of a deeper one', () => {
    expect(tooDeepField(buf('{"a":1,"b":[1,{"c":[]}]}'))).toBeNull();
    const atLimit = '['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH);
    expect(tooDeepField(buf(atLimit))).toBeNull();
    expect(tooDeepField(buf(`{"ok":1,"rules":${'['.repeat(MAX_JSON_DEPTH)}`))).toBe('rules');
    expect(tooDeepField(buf(`[1,2,${'{"a":'.repeat(40)}`))).toBe('[2]');
  });

  it('reads strings as strings: brackets, quotes and escapes inside them do not count', () => {
    const inString = JSON.stringify({ note: '['.repeat(100) + '"\\{' });
    expect(tooDeepField(buf(inString))).toBeNull();
    expect(tooDeepField(buf(`{"\\u0072ules":${'['.repeat(40)}`))).toBe('rules');
    expect(tooDeepField(buf(`{"名字":${'{"a":'.repeat(40)}`))).toBe('名字');
  });
});

describe('unsafeKeyPaths', () => {
  it('finds __proto__, constructor and prototype at any depth', () => {
    const body = JSON.parse('{"a":{"__proto__":{}},"b":[{"constructor":1}],"c":{"prototype":2},"d":3}');
    expect(unsafeKeyPaths(body).sort()).toEqual(['a.__proto__', 'b[0].constructor', 'c.prototype']);
    expect(unsafeKeyPaths({ a: [1, { b: 'constructor' }] })).toEqual([]);
  });
});

describe('decodeCursor', () => {
  it('takes the cursors it makes and refuses forged ones part by part', () => {
    const good = encodeCursor(['2026-03-01T08:00:00.000Z', '0b892fdc-707e-5440-ac79-d96ab78c287a']);
    expect(decodeCursor(good, TIME_ID)).toHaveLength(2);
    for (const parts of [
      ['x', 'y'],
      [{ a: 1 }, [2]],
      ['2026-03-01T08:00:00.000Z', "x' OR 1=1"],
      [1, 2],
    ])
      expect(() => decodeCursor(encodeCursor(parts as never), TIME_ID)).toThrow('cursor');
    expect(() => decodeCursor(encodeCursor([1e308, 'x', 1]), ['int', 'id', 'int'])).toThrow('cursor');
    expect(() => decodeCursor("1' OR '1'='1", TIME_ID)).toThrow('cursor');
  });
});
