import { AddressList, isAddressOrCidr } from './address-list.js';

/**
 * The reverse proxies whose `X-Forwarded-For` the server believes, by address
 * (`HDNS_TRUSTED_PROXIES`). Parsing lives here, apart from `client-address.ts`, so the config
 * loader can validate the list without pulling in the request path.
 */

/** Named groups, as proxy-addr (and so Fastify) spells them; handy for containers and LANs. */
const NAMED_RANGES: Readonly<Record<string, readonly string[]>> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

export type ParsedProxies = { ok: true; entries: string[] } | { ok: false; bad: string[] };

/**
 * A comma-separated list of addresses, CIDRs (IPv4 and IPv6; `[::1]` too) and the names loopback,
 * linklocal, uniquelocal. Names are expanded, so the result holds addresses and CIDRs only.
 */
export function parseTrustedProxies(list: string): ParsedProxies {
  const entries: string[] = [];
  const bad: string[] = [];
  for (const raw of list.split(',')) {
    // `[::1]` as URLs spell IPv6 is accepted too, stored without the brackets.
    const entry = raw.trim().replace(/^\[([^\]]*)\]/, '$1');
    if (entry.length === 0) continue;
    const named = NAMED_RANGES[entry.toLowerCase()];
    if (named) entries.push(...named);
    else if (isAddressOrCidr(entry)) entries.push(entry);
    else bad.push(entry);
  }
  return bad.length > 0 ? { ok: false, bad } : { ok: true, entries };
}

/**
 * Whether the hop at `address` is a trusted proxy. The second argument (the hop index) is
 * what Fastify's `trustProxy` passes; the decision depends on the address alone.
 */
export type ProxyTrust = (address: string, hop: number) => boolean;

/**
 * The trust rule for parsed entries. IPv4-mapped IPv6 peers (`::ffff:127.0.0.1`, what a
 * dual-stack listener reports) match IPv4 entries. Anything that is not an IP address
 * (`unknown`, `host:port`) is never trusted.
 */
export function proxyTrust(entries: readonly string[]): ProxyTrust {
  if (entries.length === 0) return () => false;
  const list = AddressList.of(entries);
  return (address) => list.has(address);
}
