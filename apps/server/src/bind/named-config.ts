import { isIP } from 'node:net';
import type { DnsServerSettings } from '@hdns/protocol/rest';
import { DEFAULT_DNS_SETTINGS } from '../dns/dns-settings-store.js';
import type { ForwardPolicy, ForwarderSpec, ReplicationSpec, ZoneSpec } from '../dns/dns-specs.js';
import {
  BIND_LISTEN_ADDRESS,
  DEFAULT_RNDC_KEY_NAME,
  type BindLayout,
  type BindPorts,
} from './bind-layout.js';
import { renderServerOptions } from './named-options.js';
import {
  renderReplicationOptions,
  renderReplicationStatements,
  tsigKeyName,
} from './named-replication.js';
import { RPZ_ZONE_NAME } from './rpz-zone-serializer.js';
import { keyDirectory } from './dnssec-files.js';
import { dnssecPolicyName, renderDnssecPolicies } from './dnssec-policy.js';
import { MAX_U16, invalidRecord, normalizeZoneName, uint } from './zone-text.js';

/**
 * Renders named.conf for managed mode: every path under the layout's data directory, control
 * and statistics on loopback, the network part from the DNS service settings (named-options.ts),
 * one `zone` statement per managed zone. Pure; named-checkconf gates it (zone-writer.ts).
 *
 * Choices worth knowing:
 * - with global forwarders, `forward <policy>` (default `only`, so an unreachable forwarder
 *   shows as a failure instead of a silent fallback to the roots); with none, BIND recurses
 *   from the root hints (no network → those names time out, fine).
 * - NOTIFY and transfers only to the configured secondaries, the catalog zone for them
 *   (named-replication.ts); without secondaries `notify no` and `allow-transfer { none; }`.
 * - RPZ with `min-update-interval 0` so a rule applies at once, `qname-wait-recurse no` so
 *   blocked names do not wait for the upstream, `break-dnssec yes`.
 * - The rpz zone itself is not queryable, transferable or notified.
 */

export interface NamedConfOptions {
  layout: BindLayout;
  ports: BindPorts;
  rndcKeyName: string;
  zones: readonly ZoneSpec[];
  forwarders: readonly ForwarderSpec[];
  /** How named serves the network (listeners, ACLs …); default DEFAULT_DNS_SETTINGS. */
  server?: DnsServerSettings;
  /** null disables RPZ; default `rpz.local`. */
  rpzZone?: string | null;
  /**
   * The allowlist and feed policy zones around the manual one: response-policy lists the
   * allowlist first (its passthru wins over every later zone), then the manual zone, then the
   * feeds in this order. Absent: the manual zone alone.
   */
  policy?: PolicyZoneNames;
  /** TSIG keys, secondaries and the catalog zone; absent: none. */
  replication?: ReplicationSpec;
  /** Where named reports queries; default: the text query log only. */
  queryLogging?: QueryLogging;
}

export interface PolicyZoneNames {
  allowlistZone: string;
  feedZones: readonly string[];
}

/** BIND evaluates at most 64 policy zones (`response-policy`). */
export const MAX_POLICY_ZONES = 64;

/**
 * A policy zone's triggers are names to police, not host names: `check-names ignore`, or a
 * listed `ab_c.example` with an address action (an A record) fails the whole zone's load under
 * named's default `check-names primary fail` (found by the feed-list fuzz target).
 */
function policyZoneStatement(name: string, layout: BindLayout): string {
  return (
    `zone "${name}" {\n  type primary;\n  file "${layout.zoneFile(name)}";\n` +
    '  allow-query { none; };\n  allow-transfer { none; };\n  notify no;\n  check-names ignore;\n};'
  );
}

/** The policy zones in evaluation order (the first match wins). */
function policyOrder(rpz: string, policy: PolicyZoneNames | undefined): string[] {
  const names = policy
    ? [policy.allowlistZone, rpz, ...policy.feedZones].map((n) => normalizeZoneName(n))
    : [rpz];
  if (names.length > MAX_POLICY_ZONES)
    throw invalidRecord(`response-policy takes at most ${MAX_POLICY_ZONES} zones`);
  return names;
}

/**
 * How named reports each query: dnstap to our socket (client queries and responses, for the
 * answer facts and latency; forwarder messages, for each upstream's latency) and/or the text
 * query log (the fallback for a BIND without dnstap).
 */
export interface QueryLogging {
  dnstap: { socket: string; identity: string } | null;
  textLog: boolean;
}

/**
 * The dnstap options. named logs a query to an authoritative zone as AUTH_QUERY and answers it
 * as CLIENT_RESPONSE (RD set) or AUTH_RESPONSE (RD clear); recursion as CLIENT_*: `auth` and
 * `client` together see every query. `resolver` and `forwarder` give each upstream's latency
 * (9.18 reports a forward zone's exchanges as RESOLVER_*).
 * fstrm's I/O thread sleeps until a producer sees exactly `threshold` free slots left in its
 * input queue, or its whole-second flush timer: with the defaults (512 slots, threshold 32) it
 * wakes at 480 waiting frames, so at 1,000 queries/s frames came 150 ms (p50) to 1 s (p99)
 * late. A 128-slot queue woken at 96 free (32 waiting) measured p99 53 ms at 1,000/s and 10 ms
 * at 10,000-20,000/s with no frame lost; waking at the first frame (threshold = size - 2) lost
 * 30-80 % of the frames above 3,000/s. A lone query on a quiet server still waits for the 1 s
 * timer (1-2 s late): the live view takes the text log's line first (query-merger.ts).
 */
export function renderDnstapOptions(dnstap: { socket: string; identity: string }): string[] {
  return [
    '  dnstap { auth; client; resolver; forwarder; };',
    `  dnstap-output unix ${quoted(dnstap.socket)};`,
    `  dnstap-identity ${quoted(dnstap.identity)};`,
    '  dnstap-version none;',
    '  fstrm-set-flush-timeout 1;',
    '  fstrm-set-input-queue-size 128;',
    '  fstrm-set-output-notify-threshold 96;',
  ];
}

/** A named.conf string literal; the values here are paths and host names, never user text. */
function quoted(value: string): string {
  if (/["\\\n]/.test(value))
    throw invalidRecord('named.conf string: no quotes or backslashes', { value });
  return `"${value}"`;
}

/** `ip` / `ip#port` / {address, port} → `ip;` or `ip port N;` (validated). */
export function forwarderEntry(address: string, port?: number): string {
  let ip = address.trim();
  let p = port;
  const hash = ip.indexOf('#');
  if (hash >= 0) {
    p = Number(ip.slice(hash + 1));
    ip = ip.slice(0, hash);
  }
  if (isIP(ip) === 0) throw invalidRecord('forwarder: not an IP address', { value: address });
  return p === undefined ? `${ip};` : `${ip} port ${uint(p, 'forwarder port', MAX_U16, 1)};`;
}

function policy(value: ForwardPolicy | undefined): ForwardPolicy {
  if (value === undefined) return 'only';
  if (value !== 'only' && value !== 'first') throw invalidRecord('forward policy: only|first');
  return value;
}

export function renderZoneStatement(zone: ZoneSpec, layout: BindLayout): string {
  const name = normalizeZoneName(zone.name);
  if (zone.type === 'primary') {
    // Signed: inline, so the zone file stays ours and named keeps the signed copy beside it
    // (dnssec-files.ts); keys in the data dir, one directory per zone.
    const signing = zone.dnssecPolicy
      ? [
          `  dnssec-policy "${dnssecPolicyName(zone.dnssecPolicy)}";`,
          '  inline-signing yes;',
          `  key-directory "${keyDirectory(layout, name)}";`,
        ]
      : [];
    return [
      `zone "${name}" {`,
      '  type primary;',
      `  file "${layout.zoneFile(name)}";`,
      ...signing,
      '};',
    ].join('\n');
  }
  if (zone.type === 'secondary') return renderSecondaryZone(zone, name, layout);
  const list = (zone.forwarders ?? []).map((f) => forwarderEntry(f));
  if (list.length === 0) throw invalidRecord(`forward zone ${name} needs at least one forwarder`);
  return [
    `zone "${name}" {`,
    '  type forward;',
    `  forward ${policy(zone.forwardPolicy)};`,
    `  forwarders { ${list.join(' ')} };`,
    '};',
  ].join('\n');
}

/**
 * A secondary zone: named pulls it from its primaries (with the zone's TSIG key, defined at the
 * top of named.conf) and writes the copy to the zone's usual file (`zones/db.<zone>`, in the
 * directory named owns); the bootstrap keeps that file and its journal. Only holders of the
 * rndc key, i.e. this server, may transfer it from us: that is how the API reads what named
 * serves, and no other client gets a copy of someone else's zone through us.
 */
function renderSecondaryZone(zone: ZoneSpec, name: string, layout: BindLayout): string {
  const key = zone.tsigKeyName ? ` key "${tsigKeyName(zone.tsigKeyName)}"` : '';
  const list = (zone.primaries ?? []).map((p) => `${forwarderEntry(p).slice(0, -1)}${key};`);
  if (list.length === 0) throw invalidRecord(`secondary zone ${name} needs at least one primary`);
  return [
    `zone "${name}" {`,
    '  type secondary;',
    `  file "${layout.zoneFile(name)}";`,
    `  primaries { ${list.join(' ')} };`,
    `  allow-transfer { key "${SECONDARY_READER_KEY}"; };`,
    // Not ours to announce: our secondaries (also-notify) do not serve it from us.
    '  notify no;',
    '};',
  ].join('\n');
}

/** The key secondary zones may be transferred with: the rndc key, which only this server holds. */
const SECONDARY_READER_KEY = DEFAULT_RNDC_KEY_NAME;

function logChannel(name: string, file: string): string {
  return (
    `  channel ${name} { file "${file}" versions 5 size 20m; ` +
    'print-time yes; print-category yes; print-severity yes; severity info; };'
  );
}

export function renderNamedConf(opts: NamedConfOptions): string {
  const { layout, ports } = opts;
  const d = layout.dir;
  const lo = BIND_LISTEN_ADDRESS;
  const rpz = opts.rpzZone === undefined ? RPZ_ZONE_NAME : opts.rpzZone;
  const fw = opts.forwarders.map((f) => forwarderEntry(f.address, f.port));
  const server = opts.server ?? DEFAULT_DNS_SETTINGS;
  const logging = opts.queryLogging ?? { dnstap: null, textLog: true };
  // Custom dnssec-policy statements (top level), before the zones that name them.
  const policies = renderDnssecPolicies(server.dnssecPolicies);
  const options = [
    `  directory "${d}";`,
    `  pid-file "${layout.pidFile}";`,
    `  session-keyfile "${layout.sessionKey}";`,
    `  managed-keys-directory "${d}";`,
    ...renderServerOptions(server, ports.dns),
    ...(logging.textLog ? ['  querylog yes;'] : ['  querylog no;']),
    ...(logging.dnstap ? renderDnstapOptions(logging.dnstap) : []),
    ...renderReplicationOptions(opts.replication),
    ...(fw.length > 0
      ? [`  forwarders { ${fw.join(' ')} };`, `  forward ${policy(server.forwardPolicy)};`]
      : []),
    ...(rpz === null
      ? []
      : [
          '  response-policy { ' +
            policyOrder(normalizeZoneName(rpz), opts.policy)
              .map((n) => `zone "${n}" policy given log yes min-update-interval 0; `)
              .join('') +
            '} break-dnssec yes qname-wait-recurse no;',
        ]),
  ];
  const zones = opts.zones.map((z) => renderZoneStatement(z, layout));
  const replication = renderReplicationStatements(opts.replication, layout);
  if (replication.catalog !== null) zones.unshift(replication.catalog);
  if (rpz !== null) {
    zones.unshift(
      ...policyOrder(normalizeZoneName(rpz), opts.policy).map((n) =>
        policyZoneStatement(n, layout),
      ),
    );
  }
  return [
    '// Generated by Hybrid DNS Server. Do not edit: changes are overwritten.',
    `include "${layout.rndcKey}";`,
    ...replication.keys,
    `controls { inet ${lo} port ${ports.rndc} allow { ${lo}; } keys { "${opts.rndcKeyName}"; }; };`,
    `statistics-channels { inet ${lo} port ${ports.stats} allow { ${lo}; }; };`,
    '',
    'options {',
    ...options,
    '};',
    '',
    'logging {',
    logChannel('named_file', layout.namedLog),
    logChannel('query_file', layout.queryLog),
    logChannel('rpz_file', layout.rpzLog),
    '  category default { named_file; };',
    '  category queries { query_file; };',
    '  category rpz { rpz_file; };',
    '};',
    '',
    ...(policies ? [policies, ''] : []),
    ...zones,
    '',
  ].join('\n');
}

/**
 * System mode: only the zone statements the operator's named.conf includes (no options, keys
 * or logging: those stay theirs). Every file path is absolute, since their `directory` is not
 * ours. The rpz zone comes first and is not queryable, as in managed mode; it takes effect only
 * when their options name it in `response-policy`.
 */
export function renderIncludedZones(
  zones: readonly ZoneSpec[],
  layout: BindLayout,
  rpzZone: string | null = RPZ_ZONE_NAME,
): string {
  const statements = zones.map((z) => renderZoneStatement(z, layout));
  if (rpzZone !== null) {
    const rpzName = normalizeZoneName(rpzZone);
    statements.unshift(
      `zone "${rpzName}" {\n  type primary;\n  file "${layout.zoneFile(rpzName)}";\n` +
        '  allow-query { none; };\n  check-names ignore;\n};',
    );
  }
  return [
    '// Generated by Hybrid DNS Server and included by named.conf. Do not edit.',
    ...statements,
    '',
  ].join('\n');
}
