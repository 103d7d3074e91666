import type { RPZ_ACTIONS } from '@hdns/protocol';
import { parseClientPrefix } from './bind-log-prefix.js';

/**
 * BIND 9.18 rpz-log lines (category `rpz`, `log yes` on the policy zone), as seen on this
 * machine:
 *
 *   … rpz: info: client @0x… 127.0.0.1#57449 (malware.bad.test): rpz QNAME NXDOMAIN rewrite malware.bad.test/A/IN via malware.bad.test.rpz.local
 *   … ::1#44013 (phish.bad.test): view internal: rpz QNAME Local-Data rewrite phish.bad.test/A/IN via phish.bad.test.rpz.local
 *   … rpz QNAME CNAME rewrite cname.evil.test/A/IN via cname.evil.test.cname.rpz (CNAME to: walled.garden.test)
 *
 * Policies: NXDOMAIN, NODATA, DROP, TCP-ONLY, PASSTHRU, Local-Data (A/AAAA data or a CNAME to a
 * name in the zone) and CNAME (zone-level `policy cname`); the last two map to `redirect`.
 * Triggers: QNAME, IP, NSIP, NSDNAME, CLIENT-IP (kept as logged). `disabled rpz …` lines are
 * what a `policy disabled` zone would have done: parsed with `disabled: true`.
 *
 * `via` names the policy-zone record that matched; for a wildcard rule it is the query name
 * under the zone (`x.malware.bad.test.rpz.local` for `*.malware.bad.test`), so callers look the
 * rule up by name and then by its wildcard parents. `rule` is `via` minus the policy zone: one of
 * `policyZones` when it matches, else (QNAME triggers) whatever follows the query name.
 */

export type RpzAction = (typeof RPZ_ACTIONS)[number];

export interface ParsedRpzHit {
  ts: string;
  clientIp: string;
  clientPort: number;
  view?: string;
  trigger: string;
  /** The policy word as BIND logged it (`NXDOMAIN`, `Local-Data` …). */
  policy: string;
  action: RpzAction;
  qname: string;
  qtype: string;
  qclass: string;
  via: string;
  /** Lower-cased trigger name without the policy zone, e.g. `malware.bad.test`. */
  rule: string;
  policyZone?: string;
  cnameTarget?: string;
  disabled: boolean;
}

const ACTIONS: Record<string, RpzAction> = {
  NXDOMAIN: 'nxdomain',
  NODATA: 'nodata',
  DROP: 'drop',
  'TCP-ONLY': 'tcp_only',
  PASSTHRU: 'passthru',
  'Local-Data': 'redirect',
  CNAME: 'redirect',
};

export const DEFAULT_POLICY_ZONES: readonly string[] = ['rpz.local'];
const REWRITE = ' rewrite ';
const VIA = ' via ';
const CNAME_TO = ' (CNAME to: ';

export function parseRpzLine(
  line: string,
  policyZones: readonly string[] = DEFAULT_POLICY_ZONES,
): ParsedRpzHit | null {
  const prefix = parseClientPrefix(line);
  if (prefix === null) return null;
  let p = prefix.bodyStart;
  const disabled = line.startsWith('disabled ', p);
  if (disabled) p += 9;
  if (!line.startsWith('rpz ', p)) return null;
  const t = line.indexOf(' ', p + 4);
  if (t < 0) return null;
  const trigger = line.slice(p + 4, t);
  const rw = line.indexOf(REWRITE, t);
  if (rw < 0) return null;
  const policy = line.slice(t + 1, rw);
  const action = ACTIONS[policy];
  if (action === undefined) return null;
  const qStart = rw + REWRITE.length;
  const v = line.indexOf(VIA, qStart);
  if (v < 0) return null;
  // `name/TYPE/CLASS`: a name may hold `/`, the type and class cannot, so split from the right.
  const slash2 = line.lastIndexOf('/', v - 1);
  const slash1 = slash2 > qStart ? line.lastIndexOf('/', slash2 - 1) : -1;
  if (slash1 <= qStart) return null;
  const qname = line.slice(qStart, slash1);
  const qtype = line.slice(slash1 + 1, slash2);
  const qclass = line.slice(slash2 + 1, v);
  const rest = line.slice(v + VIA.length);
  const c = rest.indexOf(CNAME_TO);
  const via = c >= 0 ? rest.slice(0, c) : rest.trimEnd();
  const cnameTarget =
    c >= 0 && rest.endsWith(')') ? rest.slice(c + CNAME_TO.length, -1) : undefined;
  // Bounds of the threat_detected schema (rule ≤ 512, names ≤ 255): a longer line is not one
  // named writes, and an event the hub refuses would be dropped anyway.
  if (via.length === 0 || via.includes(' ') || via.length > 512) return null;
  if (qname.length > 255 || qtype.length > 16) return null;
  const { rule, policyZone } = splitVia(via.toLowerCase(), qname.toLowerCase(), policyZones);
  if (policyZone !== undefined && policyZone.length > 255) return null;
  return {
    ts: prefix.ts ?? new Date().toISOString(),
    clientIp: prefix.clientIp,
    clientPort: prefix.clientPort,
    ...(prefix.view !== undefined ? { view: prefix.view } : {}),
    trigger,
    policy,
    action,
    qname,
    qtype,
    qclass,
    via,
    rule,
    ...(policyZone !== undefined ? { policyZone } : {}),
    ...(cnameTarget !== undefined ? { cnameTarget } : {}),
    disabled,
  };
}

// The zone list is normally one constant array: normalise it once, not per line.
let lastZones: readonly string[] | null = null;
let lastNormalized: string[] = [];
function normalizedZones(zones: readonly string[]): string[] {
  if (zones !== lastZones) {
    lastZones = zones;
    lastNormalized = zones.map((z) => z.toLowerCase().replace(/\.$/, ''));
  }
  return lastNormalized;
}

function splitVia(
  via: string,
  qname: string,
  zones: readonly string[],
): { rule: string; policyZone?: string } {
  for (const z of normalizedZones(zones)) {
    if (via.length > z.length + 1 && via.endsWith(z) && via[via.length - z.length - 1] === '.') {
      return { rule: via.slice(0, via.length - z.length - 1), policyZone: z };
    }
  }
  if (via.length > qname.length + 1 && via.startsWith(qname) && via[qname.length] === '.') {
    return { rule: qname, policyZone: via.slice(qname.length + 1) };
  }
  return { rule: via };
}

/** `a.b.c` → [`a.b.c`, `*.b.c`, `*.c`]: the names a wildcard rule could be stored under. */
export function ruleCandidates(rule: string, max = 8): string[] {
  const out = [rule];
  let dot = rule.indexOf('.');
  while (dot >= 0 && out.length < max) {
    out.push(`*${rule.slice(dot)}`);
    dot = rule.indexOf('.', dot + 1);
  }
  return out;
}
