// Signed codes (vouchers and resident passes) as the server makes them (src/signing/code-format.ts):
// `JF` + base64url of 44 header bytes and a 64-byte Ed25519 signature over the header. The counter
// reads them to tell a voucher from a pass and, offline, checks the signature with WebCrypto.

export const CODE_PREFIX = 'JF';
const HEADER_BYTES = 44;
const CODE_BYTES = HEADER_BYTES + 64;

export interface ParsedCode {
  type: 'voucher' | 'pass';
  kid: string;
  /** The order (voucher) or the resident (pass). */
  subject: string;
  /** The organisation whose counter redeems the voucher; null for a pass. */
  aux: string | null;
  expiresAt: Date;
  header: Uint8Array<ArrayBuffer>;
  signature: Uint8Array<ArrayBuffer>;
}

function fromBase64Url(s: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]+$/.test(s)) return null;
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4);
  try {
    const bin = atob(b64);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}

function toBase64Url(b: Uint8Array): string {
  let bin = '';
  for (const x of b) bin += String.fromCharCode(x);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const uuid = (b: Uint8Array) => {
  const h = hex(b);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

/** The code's claims, or null for anything that is not a well-formed code (strictly, as the server). */
export function parseCode(text: string): ParsedCode | null {
  const code = text.trim();
  if (!code.startsWith(CODE_PREFIX)) return null;
  const body = code.slice(CODE_PREFIX.length);
  const bytes = fromBase64Url(body);
  if (!bytes || bytes.length !== CODE_BYTES || toBase64Url(bytes) !== body) return null;
  const header = bytes.subarray(0, HEADER_BYTES);
  if (header[0] !== 1 || header[43] !== 0 || (header[1] !== 1 && header[1] !== 2)) return null;
  const aux = uuid(header.subarray(22, 38));
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  return {
    type: header[1] === 1 ? 'voucher' : 'pass',
    kid: hex(header.subarray(2, 6)),
    subject: uuid(header.subarray(6, 22)),
    aux: aux === '00000000-0000-0000-0000-000000000000' ? null : aux,
    expiresAt: new Date(view.getUint32(38) * 1000),
    header: header.slice(),
    signature: bytes.slice(HEADER_BYTES),
  };
}

const keyCache = new Map<string, Promise<CryptoKey>>();

function importKey(publicKeyBase64: string): Promise<CryptoKey> {
  let k = keyCache.get(publicKeyBase64);
  if (!k) {
    const raw = Uint8Array.from(atob(publicKeyBase64), (c) => c.charCodeAt(0));
    k = crypto.subtle.importKey('raw', raw, { name: 'Ed25519' }, false, ['verify']);
    keyCache.set(publicKeyBase64, k);
  }
  return k;
}

/** Checks the Ed25519 signature with the bundle's public keys (raw, base64), in the browser. */
export async function verifySignature(code: ParsedCode, keys: Array<{ kid: string; publicKey: string }>): Promise<boolean> {
  const k = keys.find((x) => x.kid === code.kid);
  if (!k) return false;
  try {
    return await crypto.subtle.verify({ name: 'Ed25519' }, await importKey(k.publicKey), code.signature, code.header);
  } catch {
    return false;
  }
}
