import type { DnsServerSettings } from '@hdns/protocol/rest';
import { BIND_LISTEN_ADDRESS } from './bind-layout.js';

/**
 * The network part of managed named.conf's `options` block, from the DNS service settings
 * (dns-settings-store.ts). Pure; named-checkconf judges the whole file before it is used.
 *
 * Contracts:
 * - 127.0.0.1 on the managed DNS port always stays (the server's health probes and the
 *   monitors ask there), whatever the network listeners are; with no network listener named
 *   serves loopback only, as before these settings existed.
 * - `localhost` is always admitted to query and to recurse, first in each list: BIND's lists
 *   are first-match, so an administrator's `!…` or `none` never locks the server out of its own
 *   named.
 * - Rate limiting exempts nothing by itself; its exempt list is the administrator's.
 */
export function renderServerOptions(s: DnsServerSettings, dnsPort: number): string[] {
  const list = (entries: readonly string[]): string =>
    entries.length === 0 ? '{ none; }' : `{ ${entries.map((e) => `${e};`).join(' ')} }`;
  const admit = (entries: readonly string[]): string => list(['localhost', ...entries]);
  const v4 = s.listen.ipv4;
  const v6 = s.listen.ipv6;
  const rrl = s.rateLimit;
  return [
    `  listen-on port ${dnsPort} { ${BIND_LISTEN_ADDRESS}; };`,
    ...(v4.length > 0 ? [`  listen-on port ${s.listen.port} ${list(v4)};`] : []),
    v6.length > 0
      ? `  listen-on-v6 port ${s.listen.port} ${list(v6)};`
      : '  listen-on-v6 { none; };',
    `  dnssec-validation ${s.dnssecValidation};`,
    `  recursion ${s.recursion ? 'yes' : 'no'};`,
    `  allow-query ${admit(s.allowQuery)};`,
    `  allow-recursion ${s.recursion ? admit(s.allowRecursion) : '{ none; }'};`,
    ...(rrl.enabled
      ? [
          '  rate-limit {',
          `    responses-per-second ${rrl.responsesPerSecond};`,
          `    window ${rrl.window};`,
          `    slip ${rrl.slip};`,
          ...(rrl.logOnly ? ['    log-only yes;'] : []),
          ...(rrl.exemptClients.length > 0
            ? [`    exempt-clients ${list(rrl.exemptClients)};`]
            : []),
          '  };',
        ]
      : []),
  ];
}
