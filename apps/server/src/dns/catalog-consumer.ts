import { networkInterfaces } from 'node:os';
import type { DnsServerSettings } from '@hdns/protocol/rest';

/** Where a secondary reaches this server's named: an address and a port. */
export interface PrimaryEndpoint {
  address: string;
  port: number;
}

/**
 * The address secondaries should transfer from: a listen address when one is configured (the
 * first concrete one; `any` → this host's first non-internal IPv4, then IPv6), else the
 * loopback listener every managed named keeps (a secondary on this host, as in the tests).
 */
export function primaryEndpoint(
  settings: Pick<DnsServerSettings, 'listen'>,
  loopbackPort: number,
  interfaces = networkInterfaces(),
): PrimaryEndpoint {
  const { ipv4, ipv6, port } = settings.listen;
  const concrete = [...ipv4, ...ipv6].find((a) => a !== 'any');
  if (concrete) return { address: concrete, port };
  if (ipv4.includes('any') || ipv6.includes('any')) {
    const external = Object.values(interfaces)
      .flat()
      .filter((i) => i !== undefined && !i.internal);
    const pick =
      external.find((i) => i?.family === 'IPv4' && ipv4.includes('any')) ??
      external.find(
        (i) => i?.family === 'IPv6' && ipv6.includes('any') && !i.address.startsWith('fe80'),
      );
    if (pick) return { address: pick.address, port };
  }
  return { address: '127.0.0.1', port: loopbackPort };
}

/**
 * What a BIND 9.18 secondary needs to consume our catalog (RFC 9432): the key (pasted from the
 * key's one-time answer), `catalog-zones` in its options, and the catalog zone itself as a
 * secondary zone. Every member zone then arrives, and leaves, by itself.
 */
export function consumerConfig(
  catalog: string,
  primary: PrimaryEndpoint,
  keyName: string | null,
): string {
  const from = `${primary.address} port ${primary.port}${keyName ? ` key "${keyName}"` : ''};`;
  return [
    `// On the secondary (BIND 9.18+).${keyName ? ` Include the key "${keyName}" statement first.` : ''}`,
    'options {',
    '  // … your options …',
    `  catalog-zones { zone "${catalog}" default-primaries { ${from} }; };`,
    '};',
    `zone "${catalog}" { type secondary; file "${catalog}.db"; primaries { ${from} }; };`,
    '',
  ].join('\n');
}
