import { describe, expect, it } from 'vitest';
import { offeredAddresses } from './listen-addresses';

const HOST = [
  { interface: 'lo', address: '127.0.0.1', family: 'ipv4' as const },
  { interface: 'eth0', address: '192.168.1.10', family: 'ipv4' as const },
  { interface: 'eth0', address: 'fe80::1%eth0', family: 'ipv6' as const },
  { interface: 'eth0', address: '2001:db8::10', family: 'ipv6' as const },
  { interface: 'eth1', address: '192.168.1.10', family: 'ipv4' as const },
];

describe('offeredAddresses', () => {
  it('offers any and the host addresses of the family, once each', () => {
    expect(offeredAddresses('ipv4', HOST, []).map((o) => o.address)).toEqual([
      'any',
      '127.0.0.1',
      '192.168.1.10',
    ]);
    expect(offeredAddresses('ipv4', HOST, [])[2]?.label).toBe('192.168.1.10 (eth0)');
  });

  it('leaves out chosen addresses and what the protocol would refuse', () => {
    expect(offeredAddresses('ipv6', HOST, ['any']).map((o) => o.address)).toEqual(['2001:db8::10']);
    expect(offeredAddresses('ipv4', HOST, ['127.0.0.1']).map((o) => o.address)).toEqual([
      'any',
      '192.168.1.10',
    ]);
  });
});
