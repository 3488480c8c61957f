import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { CODE_BYTES, encodeHeader, parseCode, toText } from './code-format';

describe('signed code format', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const claims = {
    type: 'voucher' as const,
    kid: 'a1b2c3d4',
    subject: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
    aux: '6ba7b810-9dad-41d1-80b4-00c04fd430c8',
    expiresAt: new Date('2027-01-01T00:00:00Z'),
    extra: 0,
  };
  const header = encodeHeader(claims);
  const code = toText(header, sign(null, header, privateKey));

  it('round-trips the claims and stays short enough for a QR code', () => {
    const p = parseCode(code)!;
    expect(p.claims).toEqual(claims);
    expect(code.length).toBe(2 + (CODE_BYTES / 3) * 4);
    expect(code.length).toBeLessThanOrEqual(150);
    expect(verify(null, p.header, publicKey, p.signature)).toBe(true);
  });

  it('fails verification or parsing whenever any single character changes', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (let i = 0; i < code.length; i++) {
      const other = alphabet[(alphabet.indexOf(code[i]) + 1 + (i % 7)) % alphabet.length];
      const altered = code.slice(0, i) + (other === code[i] ? 'A' : other) + code.slice(i + 1);
      if (altered === code) continue;
      const p = parseCode(altered);
      expect(p === null || !verify(null, p.header, publicKey, p.signature)).toBe(true);
    }
  });

  it('refuses truncated, padded and foreign strings', () => {
    expect(parseCode(code.slice(0, -1))).toBeNull();
    expect(parseCode(code + 'A')).toBeNull();
    expect(parseCode(code + '=')).toBeNull();
    expect(parseCode('jf' + code.slice(2))).toBeNull();
    expect(parseCode('')).toBeNull();
    expect(parseCode(42)).toBeNull();
  });
});
