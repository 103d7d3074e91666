import { networkInterfaces } from 'node:os';
import { isIP } from 'node:net';
import { canonicalIp } from '../lib/ip-text.js';

/**
 * Where our own named answers DNS: an address (`any4` / `any6`: every address of the host's
 * interfaces of that family, as named's `listen-on { any; }`) and a port.
 */
export interface DnsListener {
  address: string;
  port: number;
}

/**
 * An address literal in one spelling: IPv4-mapped IPv6 as IPv4, IPv6 canonical (RFC 5952),
 * and the unspecified addresses as the loopback they reach (a packet to 0.0.0.0 or `::` is
 * delivered to this host).
 */
export function canonicalAddress(address: string): string {
  if (isIP(address.trim()) === 0) return address.trim();
  const a = canonicalIp(address);
  return a === '0.0.0.0' ? '127.0.0.1' : a === '::' ? '::1' : a;
}

function interfaceAddresses(family: 4 | 6): Set<string> {
  const out = new Set<string>();
  for (const list of Object.values(networkInterfaces())) {
    for (const i of list ?? []) {
      if ((i.family === 'IPv4' ? 4 : 6) === family) out.add(canonicalAddress(i.address));
    }
  }
  return out;
}

/** True when `address#port` is one of `listeners`: a forwarder there would be our own named. */
export function isOwnListener(
  address: string,
  port: number,
  listeners: readonly DnsListener[],
): boolean {
  const a = canonicalAddress(address);
  const ip = isIP(a);
  if (ip === 0) return false;
  const family = ip === 4 ? 4 : 6;
  return listeners.some((l) => {
    if (l.port !== port) return false;
    if (l.address === 'any4' || l.address === 'any6') {
      return (l.address === 'any4') === (family === 4) && interfaceAddresses(family).has(a);
    }
    return canonicalAddress(l.address) === a;
  });
}
