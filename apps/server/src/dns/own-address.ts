import { networkInterfaces } from 'node:os';
import { BlockList, isIP } from 'node:net';

/** Loopback and unspecified addresses: every one of them reaches this host. */
const local = new BlockList();
local.addSubnet('127.0.0.0', 8, 'ipv4');
local.addAddress('0.0.0.0', 'ipv4');
local.addAddress('::1', 'ipv6');
local.addAddress('::', 'ipv6');

/**
 * True when `address` (an IP literal) reaches this host: loopback, unspecified, or one of its
 * interfaces' addresses (read at each call: interfaces come and go). An IPv4-mapped IPv6
 * address is judged by its IPv4 part.
 */
export function isOwnAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  const a = mapped ?? address;
  const family = isIP(a);
  if (family === 0) return false;
  if (local.check(a, family === 4 ? 'ipv4' : 'ipv6')) return true;
  const wanted = family === 6 ? a.toLowerCase() : a;
  return Object.values(networkInterfaces()).some((list) =>
    (list ?? []).some((i) => (family === 6 ? i.address.toLowerCase() : i.address) === wanted),
  );
}
