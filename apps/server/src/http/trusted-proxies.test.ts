import { describe, expect, it } from 'vitest';
import { parseTrustedProxies, proxyTrust } from './trusted-proxies.js';

describe('parseTrustedProxies', () => {
  it('accepts addresses and CIDRs of both families, bracketed IPv6 and named groups', () => {
    expect(parseTrustedProxies(' 10.0.0.1, 192.168.0.0/16 ,, [::1], fd00::/8 ,loopback')).toEqual({
      ok: true,
      entries: ['10.0.0.1', '192.168.0.0/16', '::1', 'fd00::/8', '127.0.0.0/8', '::1/128'],
    });
    expect(parseTrustedProxies('')).toEqual({ ok: true, entries: [] });
  });

  it('names every bad entry', () => {
    expect(
      parseTrustedProxies('10.0.0.0/33, proxy.example, 1.2.3.4, ::1/129, 10.0.0.1:80'),
    ).toEqual({ ok: false, bad: ['10.0.0.0/33', 'proxy.example', '::1/129', '10.0.0.1:80'] });
  });
});

describe('proxyTrust', () => {
  it('trusts exactly the listed ranges, IPv4-mapped peers included, and never a non-address', () => {
    const parsed = parseTrustedProxies('127.0.0.1, 10.0.0.0/8, 2001:db8::/32');
    if (!parsed.ok) throw new Error('bad list');
    const trust = proxyTrust(parsed.entries);
    expect(trust('127.0.0.1', 0)).toBe(true);
    expect(trust('::ffff:127.0.0.1', 0)).toBe(true);
    expect(trust('127.0.0.2', 0)).toBe(false);
    expect(trust('10.200.3.4', 1)).toBe(true);
    expect(trust('11.0.0.1', 1)).toBe(false);
    expect(trust('2001:db8:ffff::1', 1)).toBe(true);
    expect(trust('2001:db9::1', 1)).toBe(false);
    expect(trust('unknown', 1)).toBe(false);
    expect(trust('', 0)).toBe(false);
  });

  it('with no entries trusts nobody', () => {
    const trust = proxyTrust([]);
    expect(trust('127.0.0.1', 0)).toBe(false);
  });
});
