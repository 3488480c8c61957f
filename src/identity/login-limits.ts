import { isIP } from 'node:net';
import { refuse } from '../common/errors';

/**
 * The key a client address is counted under: an IPv4 address as it is (IPv4-mapped IPv6 unwrapped),
 * an IPv6 address by its /64 prefix (one subscriber holds a whole /64, so counting single IPv6
 * addresses would let one attacker spread guesses over billions of them).
 */
export function addressKey(ip: string | undefined | null): string {
  const raw = (ip ?? '').trim();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(raw);
  if (mapped) return mapped[1];
  if (isIP(raw) === 4) return raw;
  if (isIP(raw) === 6) return `${expandIpv6(raw).slice(0, 4).join(':')}::/64`;
  return raw.slice(0, 64) || 'unknown';
}

/** The eight hextets of an IPv6 address (`::` expanded, leading zeros dropped, lowercase). */
export function expandIpv6(ip: string): string[] {
  const withoutZone = ip.split('%')[0].toLowerCase();
  const [head, tail] = withoutZone.includes('::') ? withoutZone.split('::') : [withoutZone, undefined];
  const parts = (s: string | undefined) => (s ? s.split(':') : []);
  const h = parts(head);
  const t = parts(tail);
  // An embedded IPv4 tail (::1.2.3.4) counts as two hextets.
  const last = (tail === undefined ? h : t).at(-1);
  if (last && last.includes('.')) {
    const o = last.split('.').map(Number);
    const hex = [((o[0] << 8) | o[1]).toString(16), ((o[2] << 8) | o[3]).toString(16)];
    (tail === undefined ? h : t).splice(-1, 1, ...hex);
  }
  const fill = tail === undefined ? [] : Array.from({ length: 8 - h.length - t.length }, () => '0');
  return [...h, ...fill, ...t].map((x) => (x.replace(/^0+(?=.)/, '') || '0').toLowerCase());
}

export const tooManyAttempts = (retryAfterSeconds: number, limit: 'username' | 'address' | 'device') =>
  refuse(
    'TOO_MANY_ATTEMPTS',
    { retryAfterSeconds, limit },
    limit === 'address'
      ? 'too many failed logins from this address; try again later'
      : 'too many failed logins; try again later',
  );
