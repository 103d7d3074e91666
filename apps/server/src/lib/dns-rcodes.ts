/**
 * DNS response code names (RFC 1035, 2136, 6891, 7873 …), one table for every reader of DNS
 * messages here: the dnstap decoder, the forwarder probe and the metrics' bounded labels.
 */

/** RCODE 0-10, the header's four bits. */
const HEADER_RCODES = [
  'NOERROR',
  'FORMERR',
  'SERVFAIL',
  'NXDOMAIN',
  'NOTIMP',
  'REFUSED',
  'YXDOMAIN',
  'YXRRSET',
  'NXRRSET',
  'NOTAUTH',
  'NOTZONE',
] as const;

/** Extended RCODEs (the OPT record's upper eight bits joined to the header's four). */
const EXTENDED_RCODES: Readonly<Record<number, string>> = {
  16: 'BADVERS',
  17: 'BADKEY',
  18: 'BADTIME',
  19: 'BADMODE',
  20: 'BADNAME',
  21: 'BADALG',
  22: 'BADTRUNC',
  23: 'BADCOOKIE',
};

/** Every name `rcodeName` gives other than the `RCODEn` fallback. */
export const RCODE_NAMES: readonly string[] = [...HEADER_RCODES, ...Object.values(EXTENDED_RCODES)];

/** The name of a (possibly extended) response code; `RCODEn` for an unassigned one. */
export function rcodeName(code: number): string {
  return HEADER_RCODES[code] ?? EXTENDED_RCODES[code] ?? `RCODE${code}`;
}
