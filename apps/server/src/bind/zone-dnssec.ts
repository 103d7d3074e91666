import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ZoneDnssec } from '@hdns/protocol/rest';
import { AppError } from '../http/app-error.js';
import { locateBinary } from './bind-binaries.js';
import type { BindLayout } from './bind-layout.js';
import type { BindTools } from './bind-tools.js';
import { keyDirectory } from './dnssec-files.js';
import { parseDnssecStatus } from './dnssec-status-parser.js';
import { runTool } from './run-tool.js';
import { normalizeZoneName } from './zone-text.js';

/**
 * A signed zone's DNSSEC state as GET /api/zones/:zone/dnssec shows it: the keys and their states
 * from `rndc dnssec -status`, the signed serial from `rndc zonestatus`, and for every key-signing
 * key (flags 257: KSK or CSK) its DNSKEY and the SHA-256 DS record to hand to the parent, from
 * `dnssec-dsfromkey -2` on the key's `.key` file in the zone's key directory.
 */

export interface ZoneDnssecDeps {
  tools: BindTools;
  layout: BindLayout;
}

/** `K<zone>.+AAA+TTTTT.key`: the key tag is the file name's last number. */
const KEY_FILE = /^K.+\.\+(\d{3})\+(\d{5})\.key$/;

interface KeyFile {
  file: string;
  tag: number;
  /** The DNSKEY record, presentation format, without comments. */
  dnskey: string;
  flags: number;
}

async function keyFiles(dir: string): Promise<KeyFile[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const out: KeyFile[] = [];
  for (const name of names.sort()) {
    const m = KEY_FILE.exec(name);
    if (!m) continue;
    const file = path.join(dir, name);
    const line = (await readFile(file, 'utf8'))
      .split('\n')
      .find((l) => !l.startsWith(';') && /\sDNSKEY\s/.test(l));
    if (!line) continue;
    const dnskey = line.trim().replace(/\s+/g, ' ');
    const flags = Number(/\sDNSKEY (\d+) /.exec(dnskey)?.[1] ?? NaN);
    out.push({ file, tag: Number(m[2]), dnskey, flags });
  }
  return out;
}

/** `example.test. IN DS 47363 13 2 5AEA…` → its fields; null for anything else. */
export function parseDsLine(line: string): ZoneDnssec['ds'][number] | null {
  const m = /^(\S+)\s+(?:\d+\s+)?IN\s+DS\s+(\d+)\s+(\d+)\s+(\d+)\s+([0-9A-Fa-f\s]+)$/.exec(
    line.trim(),
  );
  if (!m) return null;
  const digest = m[5]!.replace(/\s+/g, '').toUpperCase();
  const [keyTag, algorithm, digestType] = [Number(m[2]), Number(m[3]), Number(m[4])];
  return {
    keyTag,
    algorithm,
    digestType,
    digest,
    text: `${m[1]} IN DS ${keyTag} ${algorithm} ${digestType} ${digest}`,
  };
}

async function dsOf(dsfromkey: string, file: string): Promise<ZoneDnssec['ds'][number]> {
  const r = await runTool(dsfromkey, ['-2', file]);
  const ds = r.code === 0 ? parseDsLine(r.stdout) : null;
  if (!ds) {
    throw new AppError('BIND_UNAVAILABLE', {
      command: 'dnssec-dsfromkey',
      message: (r.stderr || r.stdout || r.spawnError || 'no DS record').trim(),
    });
  }
  return ds;
}

/** An unsigned zone's view: nothing to ask named. */
export function unsignedZoneDnssec(zoneName: string): ZoneDnssec {
  const zone = normalizeZoneName(zoneName);
  return { zone, policy: null, signedSerial: null, keys: [], ds: [], dnskey: [] };
}

/** A signed zone's DNSSEC view; `policy` is the database's. */
export async function readZoneDnssec(
  deps: ZoneDnssecDeps,
  zoneName: string,
  policy: string,
): Promise<ZoneDnssec> {
  const zone = normalizeZoneName(zoneName);
  const [statusText, zoneStatus] = await Promise.all([
    deps.tools.rndc(['dnssec', '-status', zone]),
    deps.tools.zoneStatus(zone),
  ]);
  const status = parseDnssecStatus(statusText);
  const live = new Set(status.keys.filter((k) => !k.retired).map((k) => k.tag));
  const ksks = (await keyFiles(keyDirectory(deps.layout, zone))).filter(
    (k) => k.flags === 257 && live.has(k.tag),
  );
  const dsfromkey = locateBinary('dnssec-dsfromkey');
  if (ksks.length > 0 && dsfromkey === null) {
    throw new AppError('BIND_UNAVAILABLE', {
      command: 'dnssec-dsfromkey',
      message: 'dnssec-dsfromkey not found',
    });
  }
  const ds = dsfromkey === null ? [] : await Promise.all(ksks.map((k) => dsOf(dsfromkey, k.file)));
  return {
    zone,
    policy: status.policy ?? policy,
    signedSerial: zoneStatus?.signedSerial ?? null,
    keys: status.keys,
    ds,
    dnskey: ksks.map((k) => k.dnskey),
  };
}
