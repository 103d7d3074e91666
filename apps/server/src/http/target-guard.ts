import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * The SSRF guard of every outgoing request to an address an admin typed (alert channels,
 * blocklist feeds): the server sends from inside the network, so by default it must not reach
 * private, loopback, link-local, multicast or unspecified addresses. The check runs on the addresses the request actually
 * connects to (a lookup hook), so a name that resolves differently between a check and the
 * connect (DNS rebinding) is caught too.
 */

const refused = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local (cloud metadata services live here)
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  refused.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128],
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
  ['64:ff9b::', 96], // NAT64 can reach any IPv4 address: judge the embedded one instead
] as const) {
  refused.addSubnet(net, prefix, 'ipv6');
}

/** True when an address literal may be sent to without the private-targets setting. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped?.[1]) return isPublicAddress(mapped[1]);
    return !refused.check(address, 'ipv6');
  }
  return !refused.check(address, 'ipv4');
}

/** Thrown (as the request's error) when a target resolves to a refused address. */
export class TargetRefusedError extends Error {
  constructor(
    readonly address: string,
    setting = 'HDNS_ALERT_ALLOW_PRIVATE_TARGETS',
  ) {
    super(`target address ${address} is not public (${setting} is off)`);
    this.name = 'TargetRefusedError';
  }
}

/**
 * A `lookup` for http.request that fails the connect when any resolved address is refused,
 * with `refusal(hostname, address)` (default TargetRefusedError).
 */
export function guardedLookup(
  refusal: (hostname: string, address: string) => Error = (_, address) =>
    new TargetRefusedError(address),
): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) {
        callback(err, '', 0);
        return;
      }
      const bad = addresses.find((a) => !isPublicAddress(a.address));
      if (bad) {
        callback(refusal(hostname, bad.address), '', 0);
        return;
      }
      if (options.all) callback(null, addresses);
      else callback(null, addresses[0]?.address ?? '', addresses[0]?.family ?? 4);
    });
  };
}

/**
 * The refused literal address of a URL, or null. Literal hosts never go through a lookup hook,
 * so they are checked here before the request.
 */
export function refusedLiteral(url: URL): string | null {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return host;
  if (isIP(host) === 0) return null;
  return isPublicAddress(host) ? null : host;
}
