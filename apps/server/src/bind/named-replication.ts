import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import type { ReplicationSpec, SecondarySpec, TsigKeySpec } from '../dns/dns-specs.js';
import type { BindLayout } from './bind-layout.js';
import { MAX_U16, MAX_U32, invalidRecord, normalizeZoneName, uint } from './zone-text.js';

/**
 * The named.conf parts of replication (pure): TSIG key statements, the options that feed the
 * secondaries (NOTIFY and transfer rights), the catalog zone's statement and its zone file.
 *
 * - `notify explicit` + `also-notify` (`notify-delay 0`): only the configured secondaries are notified, on their
 *   port (named matches the NOTIFY's source by address only, so loopback ports work: see
 *   ../shared/reference/bind9-next.md §2). `notify explicit` keeps named from notifying the
 *   NS targets of every zone on port 53, which are not ours to notify.
 * - `allow-transfer`: a secondary with a key transfers with that key (any address holding it);
 *   one without transfers by its address. Nothing else may transfer.
 * - The catalog zone (RFC 9432 version 2) lists every primary zone as `<label>.zones PTR zone.`;
 *   the label is the SHA-1 of the zone name in wire form, as BIND's own tooling does, so it stays
 *   stable for a zone across renders. Secondaries see it through the global allow-transfer.
 */

const KEY_NAME =
  /^[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?)*$/;
const ALGORITHMS = new Set([
  'hmac-md5',
  'hmac-sha1',
  'hmac-sha224',
  'hmac-sha256',
  'hmac-sha384',
  'hmac-sha512',
]);
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** A key name checked for named.conf (it is written inside quotes: no quote may pass). */
export function tsigKeyName(name: string): string {
  if (!KEY_NAME.test(name)) throw invalidRecord('TSIG key name', { value: name });
  return name;
}

export function renderTsigKey(key: TsigKeySpec): string {
  if (!ALGORITHMS.has(key.algorithm))
    throw invalidRecord('TSIG algorithm', { value: key.algorithm });
  if (!BASE64.test(key.secret)) throw invalidRecord('TSIG secret: not base64');
  return `key "${tsigKeyName(key.name)}" { algorithm ${key.algorithm}; secret "${key.secret}"; };`;
}

function address(s: SecondarySpec): string {
  if (isIP(s.address) === 0) throw invalidRecord('secondary: not an IP address', { ...s });
  return s.address;
}

/** The options lines: NOTIFY and transfer rights (none without secondaries). */
export function renderReplicationOptions(spec: ReplicationSpec | undefined): string[] {
  const secondaries = spec?.secondaries ?? [];
  if (secondaries.length === 0) return ['  allow-transfer { none; };', '  notify no;'];
  const known = new Set((spec?.keys ?? []).map((k) => k.name));
  const keyOf = (s: SecondarySpec): string | null => {
    if (s.keyName === null) return null;
    if (!known.has(s.keyName)) throw invalidRecord('secondary: unknown TSIG key', { ...s });
    return tsigKeyName(s.keyName);
  };
  const notify = secondaries.map((s) => {
    const key = keyOf(s);
    const port = uint(s.port, 'secondary port', MAX_U16, 1);
    return `${address(s)} port ${port}${key ? ` key "${key}"` : ''};`;
  });
  const transfer = [
    ...new Set(
      secondaries.map((s) => {
        const key = keyOf(s);
        return key ? `key "${key}";` : `${address(s)};`;
      }),
    ),
  ];
  return [
    `  allow-transfer { ${transfer.join(' ')} };`,
    '  notify explicit;',
    // Default 5 s between NOTIFYs for one zone: a change should reach secondaries at once
    // (serial-query-rate and notify-rate still bound the traffic).
    '  notify-delay 0;',
    `  also-notify { ${notify.join(' ')} };`,
  ];
}

/** Top-level statements: every key, then the catalog zone's statement. */
export function renderReplicationStatements(
  spec: ReplicationSpec | undefined,
  layout: BindLayout,
): { keys: string[]; catalog: string | null } {
  const keys = (spec?.keys ?? []).map(renderTsigKey);
  const catalog = spec?.catalogZone ? normalizeZoneName(spec.catalogZone) : null;
  return {
    keys,
    catalog:
      catalog === null
        ? null
        : [
            `zone "${catalog}" {`,
            '  type primary;',
            `  file "${layout.zoneFile(catalog)}";`,
            '};',
          ].join('\n'),
  };
}

/** The wire form of a name: length-prefixed lower-case labels, then the root. */
function wireName(zone: string): Buffer {
  const labels = normalizeZoneName(zone)
    .split('.')
    .map((l) => {
      const b = Buffer.from(l.toLowerCase(), 'ascii');
      return Buffer.concat([Buffer.from([b.length]), b]);
    });
  return Buffer.concat([...labels, Buffer.from([0])]);
}

/** The member's label in the catalog: SHA-1 (hex) of its wire-form name. */
export function catalogMemberLabel(zone: string): string {
  return createHash('sha1').update(wireName(zone)).digest('hex');
}

/** The catalog zone file: SOA, NS `invalid.`, `version TXT "2"`, one PTR per member. */
export function renderCatalogZone(
  catalog: string,
  members: readonly string[],
  serial: number,
): string {
  const origin = normalizeZoneName(catalog);
  const s = uint(serial, 'serial', MAX_U32, 1);
  const names = [...new Set(members.map(normalizeZoneName))].sort();
  return [
    '; Generated by Hybrid DNS Server: the catalog zone (RFC 9432). Do not edit.',
    `$ORIGIN ${origin}.`,
    '$TTL 0',
    '@\tIN\tSOA\tinvalid. invalid. (',
    `\t\t${s} ; serial`,
    // Short refresh: a secondary that missed a NOTIFY learns of new zones within 5 minutes.
    '\t\t300 ; refresh',
    '\t\t60 ; retry',
    '\t\t1209600 ; expire',
    '\t\t0 ; minimum',
    '\t\t)',
    '@\tIN\tNS\tinvalid.',
    'version\tIN\tTXT\t"2"',
    ...names.map((n) => `${catalogMemberLabel(n)}.zones\tIN\tPTR\t${n}.`),
    '',
  ].join('\n');
}
