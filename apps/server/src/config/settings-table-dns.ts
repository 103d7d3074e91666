import { aclList, bool, int, listenList, oneOf } from './setting-kinds.js';
import { optional, type SettingTree } from './setting.js';

/**
 * How the managed named serves the network. Each is optional: unset, the value comes from the
 * dashboard's settings page (stored in the database, defaults in dns/dns-settings-defaults.ts);
 * set, it is fixed and the page shows it read-only (`locked`), so a deployment's environment
 * stays the truth it was written to be.
 */

const PAGE = 'unset: the settings page decides (default';

export const DNS_SETTINGS = {
  listen: optional(
    'HDNS_DNS_LISTEN',
    listenList(),
    'addresses the managed named serves the network on: `any` (every IPv4 and IPv6 address of ' +
      'this host, the one setting that makes it a LAN server) or addresses of this host; ' +
      `127.0.0.1 on \`HDNS_BIND_DNS_PORT\` always stays; ${PAGE} loopback only)`,
  ),
  listenPort: optional(
    'HDNS_DNS_LISTEN_PORT',
    int(1, 65535),
    `port of the \`HDNS_DNS_LISTEN\` listeners; ${PAGE} 53)`,
  ),
  allowQuery: optional(
    'HDNS_DNS_ALLOW_QUERY',
    aclList(),
    `who may query (\`allow-query\`; localhost always may); ${PAGE} \`localnets\`)`,
  ),
  allowRecursion: optional(
    'HDNS_DNS_ALLOW_RECURSION',
    aclList(),
    `who may ask for recursion (\`allow-recursion\`); ${PAGE} \`localnets\`)`,
  ),
  recursion: optional(
    'HDNS_DNS_RECURSION',
    bool(),
    `recursion on or off (off: authoritative only); ${PAGE} on)`,
  ),
  dnssecValidation: optional(
    'HDNS_DNS_DNSSEC_VALIDATION',
    oneOf(['auto', 'no'] as const),
    `DNSSEC validation of recursive answers (\`auto\`: the built-in root trust anchor); ${PAGE} auto)`,
  ),
  rateLimit: optional(
    'HDNS_DNS_RATE_LIMIT',
    int(0, 10000),
    'response rate limiting: identical responses per second to one client network (`0` off); ' +
      `${PAGE} off)`,
  ),
} satisfies SettingTree;
