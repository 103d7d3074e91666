import { describe, expect, it } from 'vitest';
import { addressKey } from './address-key.js';

describe('addressKey', () => {
  it('keeps IPv4 as it is and maps IPv4-mapped IPv6 (dotted or hex) to IPv4', () => {
    expect(addressKey('192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('::FFFF:c000:0207')).toBe('192.0.2.7');
    expect(addressKey('0:0:0:0:0:ffff:192.0.2.7')).toBe('192.0.2.7');
  });

  it('counts IPv6 per /64, whatever the spelling, and drops a zone id', () => {
    const key = '2001:db8:1:2::/64';
    for (const ip of [
      '2001:db8:1:2::1',
      '2001:DB8:1:2:ffff:ffff:ffff:ffff',
      '2001:0db8:0001:0002:0:0:0:9',
      '2001:db8:1:2::1.2.3.4',
      '2001:db8:1:2::7%eth0',
    ]) {
      expect(addressKey(ip)).toBe(key);
    }
    expect(addressKey('2001:db8:1:3::1')).not.toBe(key);
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('::')).toBe('0:0:0:0::/64');
    expect(addressKey('fe80::1')).toBe('fe80:0:0:0::/64');
  });

  it('gives text that is not an IP a bounded key of its own', () => {
    expect(addressKey('unknown')).toBe('unknown');
    expect(addressKey('Not-An-IP')).toBe('not-an-ip');
    expect(addressKey('x'.repeat(500))).toHaveLength(64);
    expect(addressKey('1.2.3.4.5')).toBe('1.2.3.4.5');
  });
});
