import { bool, filePath, httpUrl, int, oneOf, text, zoneNameOrOff } from './setting-kinds.js';
import { optional, setting, type SettingTree } from './setting.js';

/** BIND settings: the managed named, or an existing one (system mode); see bind/. */

export const BIND_MODES = ['auto', 'managed', 'system', 'off'] as const;

const SYSTEM = 'system mode:';

export const BIND_SETTINGS = {
  mode: setting(
    'HDNS_BIND_MODE',
    oneOf(BIND_MODES),
    'auto',
    '`managed` (our own `named` on loopback), `system` (an existing BIND, see below), `off`; ' +
      '`auto` = managed when `named` is installed',
  ),
  dnsPort: setting('HDNS_BIND_DNS_PORT', int(1, 65535), 5300, "the managed named's DNS port"),
  rndcPort: setting('HDNS_BIND_RNDC_PORT', int(1, 65535), 9530, "the managed named's rndc port"),
  statsPort: setting(
    'HDNS_BIND_STATS_PORT',
    int(1, 65535),
    8530,
    "the managed named's statistics channel port (all three on loopback)",
  ),
  user: setting(
    'HDNS_BIND_USER',
    text('user name, auto or root'),
    'auto',
    'the user the managed named runs as (`named -u`): `auto` = `bind` when the server runs as ' +
      'root and that user exists; `root` keeps root (not recommended). The data directory is ' +
      'given to that user; every directory above it must be searchable by it (see README)',
  ),
  catalogZone: setting(
    'HDNS_CATALOG_ZONE',
    zoneNameOrOff(),
    'catalog.hdns.invalid',
    'the catalog zone (RFC 9432 v2) listing every primary zone for secondaries that consume ' +
      'it (BIND `catalog-zones`, Knot, PowerDNS); served only to configured secondaries; `off` ' +
      'disables it. Changing it renames the catalog their configuration names',
  ),
  lease: setting(
    'HDNS_BIND_LEASE',
    bool(),
    false,
    'several instances (needs `HDNS_REDIS_URL`, `HDNS_DATABASE_URL` and a shared `HDNS_JWT_SECRET`; set it on every ' +
      'instance): one instance at a time, the holder of a lease in Redis, drives BIND; the ' +
      'others forward DNS writes to it. Instances with `HDNS_BIND_MODE=off` never hold it. See ' +
      'docs/scaling.md',
  ),
  clusterUrl: optional(
    'HDNS_CLUSTER_URL',
    httpUrl('http://10.0.0.11:8080'),
    'with `HDNS_BIND_LEASE`: where the other instances reach this one to forward DNS writes; ' +
      'default `http://<HDNS_HOST>:<HDNS_PORT>`',
  ),
  system: {
    dir: optional(
      'HDNS_BIND_SYSTEM_DIR',
      filePath(),
      `${SYSTEM} a directory the server writes and named reads (\`zones/\`, ` +
        '`hdns-zones.conf`); required when `HDNS_BIND_MODE=system`',
    ),
    rndcKeyFile: setting(
      'HDNS_BIND_SYSTEM_RNDC_KEY',
      filePath('path to the rndc key file'),
      '/etc/bind/rndc.key',
      `${SYSTEM} the operator's rndc key file`,
    ),
    rndcHost: setting(
      'HDNS_BIND_SYSTEM_RNDC_HOST',
      text('host name or IP address'),
      '127.0.0.1',
      `${SYSTEM} where named's rndc listens`,
    ),
    rndcPort: setting(
      'HDNS_BIND_SYSTEM_RNDC_PORT',
      int(1, 65535),
      953,
      `${SYSTEM} named's rndc port`,
    ),
    dnsPort: setting(
      'HDNS_BIND_SYSTEM_DNS_PORT',
      int(1, 65535),
      53,
      `${SYSTEM} where named answers DNS (health checks only)`,
    ),
    statsUrl: optional(
      'HDNS_BIND_SYSTEM_STATS_URL',
      httpUrl('http://127.0.0.1:8053'),
      `${SYSTEM} named's statistics channel, for the monitors`,
    ),
    queryLog: optional(
      'HDNS_BIND_SYSTEM_QUERY_LOG',
      filePath(),
      `${SYSTEM} named's query log file, for the query-log monitor`,
    ),
    dnstapSocket: optional(
      'HDNS_BIND_SYSTEM_DNSTAP_SOCKET',
      filePath(),
      `${SYSTEM} the unix socket this server listens on for named's dnstap ` +
        '(`dnstap-output unix "<path>";` in their named.conf; see the README)',
    ),
    rpzLog: optional(
      'HDNS_BIND_SYSTEM_RPZ_LOG',
      filePath(),
      `${SYSTEM} named's RPZ log file, for the RPZ monitor`,
    ),
  },
} satisfies SettingTree;
