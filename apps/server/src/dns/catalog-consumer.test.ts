import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { consumerConfig, primaryEndpoint } from './catalog-consumer.js';

const nic = (address: string, family: 'IPv4' | 'IPv6', internal = false): NetworkInterfaceInfo =>
  family === 'IPv4'
    ? { address, family, internal, netmask: '', mac: '00:00:00:00:00:00', cidr: null }
    : { address, family, internal, netmask: '', mac: '00:00:00:00:00:00', cidr: null, scopeid: 0 };

describe('primaryEndpoint', () => {
  const interfaces = {
    lo: [nic('127.0.0.1', 'IPv4', true)],
    eth0: [nic('fe80::1', 'IPv6'), nic('192.0.2.10', 'IPv4'), nic('2001:db8::10', 'IPv6')],
  };

  it('is the loopback listener when named serves no network', () => {
    expect(primaryEndpoint({ listen: { ipv4: [], ipv6: [], port: 53 } }, 5300, interfaces)).toEqual(
      { address: '127.0.0.1', port: 5300 },
    );
  });

  it('is the first concrete listen address on the listen port', () => {
    expect(
      primaryEndpoint(
        { listen: { ipv4: ['any'], ipv6: ['2001:db8::10'], port: 53 } },
        5300,
        interfaces,
      ),
    ).toEqual({ address: '2001:db8::10', port: 53 });
  });

  it('picks a non-internal address for `any`, IPv4 first, never link-local', () => {
    expect(
      primaryEndpoint({ listen: { ipv4: ['any'], ipv6: [], port: 53 } }, 5300, interfaces),
    ).toEqual({ address: '192.0.2.10', port: 53 });
    expect(
      primaryEndpoint({ listen: { ipv4: [], ipv6: ['any'], port: 5353 } }, 5300, interfaces),
    ).toEqual({ address: '2001:db8::10', port: 5353 });
  });
});

describe('consumerConfig', () => {
  it('names the catalog, the primary and the key in catalog-zones and the zone statement', () => {
    const text = consumerConfig('catalog.hdns.invalid', { address: '192.0.2.10', port: 53 }, 'xfr');
    expect(text).toContain(
      'catalog-zones { zone "catalog.hdns.invalid" default-primaries { 192.0.2.10 port 53 key "xfr"; }; };',
    );
    expect(text).toContain(
      'zone "catalog.hdns.invalid" { type secondary; file "catalog.hdns.invalid.db"; primaries { 192.0.2.10 port 53 key "xfr"; }; };',
    );
  });

  it('leaves the key out when the secondary transfers by address', () => {
    expect(consumerConfig('c.test', { address: '127.0.0.1', port: 5300 }, null)).not.toContain(
      'key',
    );
  });
});
