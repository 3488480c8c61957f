/**
 * The binary layout of a signed code (vouchers and resident passes), compact enough for a QR code at
 * medium error correction (148 characters):
 *
 *   0      version (1)
 *   1      type (1 = voucher, 2 = resident pass)
 *   2..5   key id (4 bytes)
 *   6..21  subject (UUID: the order, or the resident)
 *   22..37 aux (UUID: the listing's organisation, or zeros)
 *   38..41 expiry (uint32, seconds since the epoch)
 *   42     extra (a pass: credit level 0..3)
 *   43     reserved (0), so the whole is a multiple of 3 bytes and base64url has no spare bits
 *   44..107 Ed25519 signature over bytes 0..43
 *
 * The text form is `JF` + base64url (no padding). Decoding is strict: any other spelling of the
 * same bytes is refused, so a code with any single character changed never verifies.
 */
export const CODE_PREFIX = 'JF';
export const CODE_VERSION = 1;
export const HEADER_BYTES = 44;
export const SIGNATURE_BYTES = 64;
export const CODE_BYTES = HEADER_BYTES + SIGNATURE_BYTES;

export const CODE_TYPES = { voucher: 1, pass: 2 } as const;
export type CodeType = keyof typeof CODE_TYPES;

export interface CodeClaims {
  type: CodeType;
  kid: string;
  subject: string;
  aux: string | null;
  expiresAt: Date;
  extra: number;
}

const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

export function uuidToBytes(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error(`not a UUID: ${uuid}`);
  return Buffer.from(hex, 'hex');
}

export function bytesToUuid(b: Buffer): string {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export function encodeHeader(c: CodeClaims): Buffer {
  const b = Buffer.alloc(HEADER_BYTES);
  b[0] = CODE_VERSION;
  b[1] = CODE_TYPES[c.type];
  if (!/^[0-9a-f]{8}$/.test(c.kid)) throw new Error(`bad key id ${c.kid}`);
  Buffer.from(c.kid, 'hex').copy(b, 2);
  uuidToBytes(c.subject).copy(b, 6);
  uuidToBytes(c.aux ?? ZERO_UUID).copy(b, 22);
  b.writeUInt32BE(Math.floor(c.expiresAt.getTime() / 1000), 38);
  b[42] = c.extra & 0xff;
  b[43] = 0;
  return b;
}

export function toText(header: Buffer, signature: Buffer): string {
  return CODE_PREFIX + Buffer.concat([header, signature]).toString('base64url');
}

/** Parses the text form; returns null for anything malformed (the caller answers INVALID_CODE). */
export function parseCode(code: unknown): { header: Buffer; signature: Buffer; claims: CodeClaims } | null {
  if (typeof code !== 'string' || !code.startsWith(CODE_PREFIX)) return null;
  const body = code.slice(CODE_PREFIX.length);
  if (!/^[A-Za-z0-9_-]+$/.test(body)) return null;
  const bytes = Buffer.from(body, 'base64url');
  if (bytes.length !== CODE_BYTES || bytes.toString('base64url') !== body) return null;
  const header = bytes.subarray(0, HEADER_BYTES);
  if (header[0] !== CODE_VERSION || header[43] !== 0) return null;
  const type = (Object.keys(CODE_TYPES) as CodeType[]).find((k) => CODE_TYPES[k] === header[1]);
  if (!type) return null;
  const aux = bytesToUuid(header.subarray(22, 38));
  return {
    header,
    signature: bytes.subarray(HEADER_BYTES),
    claims: {
      type,
      kid: header.subarray(2, 6).toString('hex'),
      subject: bytesToUuid(header.subarray(6, 22)),
      aux: aux === ZERO_UUID ? null : aux,
      expiresAt: new Date(header.readUInt32BE(38) * 1000),
      extra: header[42],
    },
  };
}
