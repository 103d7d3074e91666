import { parse } from 'tldts';

/**
 * Special-use names that the Public Suffix List lists as suffixes but that are never delegated
 * in the public DNS, so serving them cannot take over anyone else's names. RFC 8375 reserves
 * `home.arpa` for residential networks; it must stay creatable by operators.
 */
const PRIVATE_USE_SUFFIXES: ReadonlySet<string> = new Set(['home.arpa']);

/** A label that no PSL rule names, used to detect wildcard rules (`*.kawasaki.jp`) below a name. */
const PROBE_LABEL = 'hdns-psl-probe';

const OPTIONS = {
  // The private section too: `github.io` or `blogspot.com` serve thousands of owners.
  allowPrivateDomains: true,
  // Zone names are not URLs: no IP detection, no hostname validation (zone names may have `_`).
  detectIp: false,
  validateHostname: false,
  extractHostname: false,
} as const;

function normal(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/**
 * True when `name` is at or above a public suffix: the root, any single-label name (a TLD,
 * including unlisted ones such as `lan` or `internal`), a name the Public Suffix List (ICANN and
 * private sections, as bundled in `tldts`) names as a suffix (`com`, `co.uk`, `github.io`), or a
 * name with a wildcard suffix rule right below it. Serving such a zone answers for names that
 * belong to many unrelated owners, which hijacks their resolution for every client.
 *
 * Names below a suffix stay ordinary: `example.com`, `corp.internal`, `10.in-addr.arpa`,
 * and the private-use `home.arpa`.
 *
 * Known limit: a parent of a non-wildcard suffix that is not itself listed (e.g. `amazonaws.com`,
 * parent of the private suffix `s3.amazonaws.com`) is not detected; tldts does not expose the
 * rule list to walk.
 */
export function isAtOrAbovePublicSuffix(name: string): boolean {
  const zone = normal(name);
  if (zone === '' || !zone.includes('.')) return true;
  if (PRIVATE_USE_SUFFIXES.has(zone)) return false;
  if (parse(zone, OPTIONS).domain === null) return true;
  return parse(`${PROBE_LABEL}.${zone}`, OPTIONS).domain === null;
}

/**
 * The registrable domain of `name` (one label below its public suffix: `a.b.example.co.uk` →
 * `example.co.uk`), or null when `name` is at or above a public suffix. Same list and options
 * as above, so a detector's "base domain" agrees with what zone creation calls a suffix.
 */
export function registrableDomain(name: string): string | null {
  const n = normal(name);
  if (n === '') return null;
  return parse(n, OPTIONS).domain;
}
