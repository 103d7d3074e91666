/**
 * What the listen address pickers offer: `any`, then this host's addresses of the family that
 * the protocol accepts (the server refuses an address the host does not have: named could not
 * bind it), without those already chosen.
 */
import { listenV4Schema, listenV6Schema, type DnsSettingsView } from '@hdns/protocol/rest';

export type Family = 'ipv4' | 'ipv6';

/** Addresses worth offering: `any`, then the host's of this family the schema accepts. */
export function offeredAddresses(
  family: Family,
  host: DnsSettingsView['hostAddresses'],
  chosen: readonly string[],
): { address: string; label: string }[] {
  const schema = family === 'ipv4' ? listenV4Schema : listenV6Schema;
  const seen = new Set(chosen);
  const out: { address: string; label: string }[] = [];
  if (!seen.has('any')) out.push({ address: 'any', label: `any (every ${family} address)` });
  for (const a of host) {
    if (a.family !== family || seen.has(a.address)) continue;
    if (!schema.safeParse([a.address]).success) continue; // e.g. a scoped link-local address
    seen.add(a.address);
    out.push({ address: a.address, label: `${a.address} (${a.interface})` });
  }
  return out;
}
