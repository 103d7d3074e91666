import { describe, expect, it } from 'vitest';
import { AddressList, isAddressOrCidr } from './address-list.js';

describe('AddressList', () => {
  it('matches single addresses and networks of both families', () => {
    const list = AddressList.of(['10.0.0.0/8', '192.0.2.7', '2001:db8::/32']);
    expect(list.has('10.200.3.4')).toBe(true);
    expect(list.has('192.0.2.7')).toBe(true);
    expect(list.has('192.0.2.8')).toBe(false);
    expect(list.has('2001:db8:1::5')).toBe(true);
    expect(list.has('2001:db9::1')).toBe(false);
    expect(list.has('not-an-address')).toBe(false);
  });

  it('matches IPv4-mapped IPv6 peers against IPv4 entries', () => {
    expect(AddressList.of(['127.0.0.1']).has('::ffff:127.0.0.1')).toBe(true);
  });

  it('validates entries', () => {
    for (const ok of ['1.2.3.4', '1.2.3.0/24', '::1', 'fe80::/10', '0.0.0.0/0']) {
      expect(isAddressOrCidr(ok)).toBe(true);
    }
    for (const bad of ['1.2.3.4/33', '::/129', 'host', '1.2.3.4/8/1', '1.2.3.4/x', '']) {
      expect(isAddressOrCidr(bad)).toBe(false);
    }
    expect(() => AddressList.of(['10.0.0.0/40'])).toThrow(/not an address/);
  });
});
