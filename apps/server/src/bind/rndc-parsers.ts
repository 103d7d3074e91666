/**
 * Parsers for rndc's human-readable `key: value` output (BIND 9.18). Tolerant: unknown lines
 * are kept in `raw`, missing keys give null, so a newer BIND never breaks the caller.
 */

export function parseKeyValueLines(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf(': ');
    if (i <= 0) continue;
    out[line.slice(0, i).trim()] = line.slice(i + 2).trim();
  }
  return out;
}

function intOrNull(value: string | undefined): number | null {
  if (value === undefined) return null;
  const m = /^-?\d+/.exec(value);
  return m ? Number(m[0]) : null;
}

export interface RndcStatus {
  version: string | null;
  bootTime: string | null;
  lastConfigured: string | null;
  configFile: string | null;
  numberOfZones: number | null;
  /** `recursive clients: cur/soft/hard`: the current count. */
  recursiveClients: number | null;
  tcpClients: number | null;
  queryLogging: boolean | null;
  running: boolean;
  raw: Record<string, string>;
}

export function parseRndcStatus(text: string): RndcStatus {
  const raw = parseKeyValueLines(text);
  const ql = /query logging is (ON|OFF)/.exec(text);
  return {
    version: raw.version ?? null,
    bootTime: raw['boot time'] ?? null,
    lastConfigured: raw['last configured'] ?? null,
    configFile: raw['configuration file'] ?? null,
    numberOfZones: intOrNull(raw['number of zones']),
    recursiveClients: intOrNull(raw['recursive clients']),
    tcpClients: intOrNull(raw['tcp clients']),
    queryLogging: ql ? ql[1] === 'ON' : null,
    running: text.includes('server is up and running'),
    raw,
  };
}

export interface ZoneStatus {
  name: string | null;
  type: string | null;
  files: string | null;
  /**
   * The `serial:` line: the zone file's serial. For an inline-signed zone that is the unsigned
   * (our) serial, which reloads are confirmed by; named serves `signedSerial` instead.
   */
  serial: number | null;
  /** `signed serial:` of an inline-signed zone (what queries see); null when unsigned. */
  signedSerial: number | null;
  nodes: number | null;
  lastLoaded: string | null;
  /** The zone has been loaded at least once (it has a serial). */
  loaded: boolean;
  raw: Record<string, string>;
}

export function parseZoneStatus(text: string): ZoneStatus {
  const raw = parseKeyValueLines(text);
  const serial = intOrNull(raw.serial);
  return {
    name: raw.name ?? null,
    type: raw.type ?? null,
    files: raw.files ?? null,
    serial,
    signedSerial: intOrNull(raw['signed serial']),
    nodes: intOrNull(raw.nodes),
    lastLoaded: raw['last loaded'] ?? null,
    loaded: serial !== null,
    raw,
  };
}
