import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { canonicalAddress, isOwnListener } from './own-address.js';

describe('isOwnListener', () => {
  const managed = { address: '127.0.0.1', port: 5300 };

  it('matches the listeners named has, not every local resolver', () => {
    expect(isOwnListener('127.0.0.1', 5300, [managed])).toBe(true);
    expect(isOwnListener('0.0.0.0', 5300, [managed])).toBe(true);
    expect(isOwnListener('::ffff:127.0.0.1', 5300, [managed])).toBe(true);
    // A local stub or cache beside named (systemd-resolved, dnsmasq, unbound) is fine.
    expect(isOwnListener('127.0.0.53', 53, [managed])).toBe(false);
    expect(isOwnListener('127.0.0.1', 53, [managed])).toBe(false);
    expect(isOwnListener('::1', 5300, [managed])).toBe(false);
    expect(isOwnListener('192.0.2.53', 53, [managed])).toBe(false);
  });

  it("matches the network listeners, `any` being the interfaces' addresses", () => {
    const v4 = Object.values(networkInterfaces())
      .flat()
      .find((i) => i?.family === 'IPv4')?.address;
    expect(v4).toBeDefined();
    const any = [managed, { address: 'any4', port: 53 }];
    expect(isOwnListener(v4!, 53, any)).toBe(true);
    expect(isOwnListener(v4!, 54, any)).toBe(false);
    expect(isOwnListener('192.0.2.53', 53, any)).toBe(false);
    expect(isOwnListener('2001:DB8::0:1', 53, [{ address: '2001:db8::1', port: 53 }])).toBe(true);
  });

  it('spells addresses one way', () => {
    expect(canonicalAddress('2001:DB8:0:0::1')).toBe('2001:db8::1');
    expect(canonicalAddress('::')).toBe('::1');
    expect(canonicalAddress(' 192.0.2.1 ')).toBe('192.0.2.1');
  });
});
