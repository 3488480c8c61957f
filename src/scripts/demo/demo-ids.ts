import { createHash } from 'node:crypto';

/** Namespace of every demo id (a fixed random UUID). */
const NAMESPACE = 'b6f1c1e2-4a5d-4c8e-9f3a-7d2e1c0b9a84';

/**
 * A stable UUID (version 5: SHA-1 of a namespace and a name) for a demo object, so that the seed
 * writes the same rows on every run and on every machine: `demoId('region:taohuayuan')`.
 */
export function demoId(name: string): string {
  const ns = Buffer.from(NAMESPACE.replace(/-/g, ''), 'hex');
  const bytes = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50; // version 5
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
