import { addressKey, expandIpv6 } from './login-limits';

describe('addressKey', () => {
  it('keeps IPv4 addresses and unwraps IPv4-mapped IPv6', () => {
    expect(addressKey('203.0.113.9')).toBe('203.0.113.9');
    expect(addressKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(addressKey('::FFFF:10.0.0.1')).toBe('10.0.0.1');
  });

  it('counts IPv6 addresses by their /64 prefix, however they are written', () => {
    const a = addressKey('2001:db8:85a3:0:1:8a2e:370:7334');
    expect(a).toBe('2001:db8:85a3:0::/64');
    expect(addressKey('2001:0db8:85a3:0000:ffff:ffff:ffff:ffff')).toBe(a);
    expect(addressKey('2001:db8:85a3::1')).toBe(a);
    expect(addressKey('2001:db8:85a4::1')).not.toBe(a);
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
  });

  it('has a key for anything else, never longer than the column', () => {
    expect(addressKey(undefined)).toBe('unknown');
    expect(addressKey('')).toBe('unknown');
    expect(addressKey('x'.repeat(100))).toHaveLength(64);
  });
});

describe('expandIpv6', () => {
  it('expands :: and embedded IPv4 tails', () => {
    expect(expandIpv6('::')).toEqual(['0', '0', '0', '0', '0', '0', '0', '0']);
    expect(expandIpv6('fe80::1%eth0')).toEqual(['fe80', '0', '0', '0', '0', '0', '0', '1']);
    expect(expandIpv6('64:ff9b::192.0.2.33')).toEqual(['64', 'ff9b', '0', '0', '0', '0', 'c000', '221']);
    expect(expandIpv6('1:2:3:4:5:6:7:8')).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
  });
});
