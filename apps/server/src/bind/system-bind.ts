import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SystemBindConfig } from '../config.js';
import type { DnsBackend } from '../dns/dns-backend.js';
import { AppError } from '../http/app-error.js';
import type { BindBinaries } from './bind-binaries.js';
import { bindLayout, type BindLayout } from './bind-layout.js';
import { BindTools } from './bind-tools.js';
import { renderIncludedZones } from './named-config.js';
import { renderRndcConf } from './rndc-key.js';
import { RPZ_ZONE_NAME } from './rpz-zone-serializer.js';
import { StatsChannel } from './stats-channel.js';
import type { KeyedMutex } from '../lib/keyed-mutex.js';
import { ZoneWriter, type BootstrapInput, type BootstrapResult } from './zone-writer.js';

/**
 * System mode: the app feeds an existing BIND instead of running its own. It owns one
 * directory DIR (writable by the app, readable by named):
 *
 *   DIR/hdns-zones.conf    our zone statements; the operator's named.conf includes it
 *   DIR/zones/db.<zone>    primary zone files (+ db.rpz.local, the response-policy zone)
 *
 * The same ZoneWriter as managed mode does every write (named-checkzone / named-checkconf,
 * staged files, serial confirmation); only its "named.conf" is the include file. rndc talks to
 * the operator's control channel with their key, through a client config kept in the app's
 * data directory (it only names the key file, so named never needs to read it).
 */

export const SYSTEM_INCLUDE_FILE = 'hdns-zones.conf';

export interface SystemBindOptions {
  settings: SystemBindConfig;
  binaries: BindBinaries;
  /** The app's own directory for the rndc client config. */
  stateDir: string;
  /** Read from the key file when not given. */
  rndcKeyName?: string;
  confirmTimeoutMs?: number;
  initialState: () => BootstrapInput | Promise<BootstrapInput>;
  /** The per-zone locks the DNS services hold (see ZoneWriterOptions); default: the writer's. */
  zoneLocks?: KeyedMutex;
}

export interface SystemBind {
  settings: SystemBindConfig;
  layout: BindLayout;
  tools: BindTools;
  writer: ZoneWriter;
  /** null when no statistics channel is configured. */
  stats: StatsChannel | null;
  /** Checks rndc, writes our zones from the database and makes named load them. */
  start(): Promise<BootstrapResult>;
}

/** The operator-facing lines for named.conf, for logs and docs. */
export function systemNamedConfSnippet(dir: string): string {
  const include = path.join(dir, SYSTEM_INCLUDE_FILE);
  return [
    `include "${include}";`,
    `// and, for blocking rules, inside options { ... }:`,
    `response-policy { zone "${RPZ_ZONE_NAME}" policy given log yes min-update-interval 0; }` +
      ' break-dnssec yes qname-wait-recurse no;',
  ].join('\n');
}

/** The first `key "NAME" {` of an rndc key file (rndc-confgen writes exactly one). */
export function rndcKeyNameOf(text: string): string | null {
  return /\bkey\s+"?([^"\s{;]+)"?\s*\{/.exec(text)?.[1] ?? null;
}

/** The key name rndc must use, from the operator's key file; fails naming the setting. */
export async function readRndcKeyName(file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw startError(
      `cannot read the rndc key ${file} (HDNS_BIND_SYSTEM_RNDC_KEY): ${reason}`,
      err,
    );
  }
  const name = rndcKeyNameOf(text);
  if (name === null)
    throw startError(`${file} (HDNS_BIND_SYSTEM_RNDC_KEY) holds no \`key "NAME" { ... }\``);
  return name;
}

function startError(message: string, cause?: unknown): Error {
  return new Error(`system BIND: ${message}`, { cause });
}

function statsChannelOf(url: string | null): StatsChannel | null {
  if (url === null) return null;
  const u = new URL(url);
  return new StatsChannel(u.hostname, Number(u.port || (u.protocol === 'https:' ? 443 : 80)));
}

export function createSystemBind(opts: SystemBindOptions): SystemBind {
  const { settings } = opts;
  // The standard layout over DIR, except that the "named.conf" the writer owns is the include.
  const base = bindLayout(settings.dir);
  const layout: BindLayout = {
    ...base,
    // named logs where the operator says; nothing of ours goes to a logs/ directory.
    logsDir: base.dir,
    queryLog: settings.queryLog ?? base.queryLog,
    rpzLog: settings.rpzLog ?? base.rpzLog,
    namedConf: path.join(settings.dir, SYSTEM_INCLUDE_FILE),
    rndcConf: path.join(opts.stateDir, 'rndc-system.conf'),
    rndcKey: settings.rndcKeyFile,
  };
  const tools = new BindTools({
    binaries: opts.binaries,
    rndc: { confFile: layout.rndcConf, host: settings.rndcHost, port: settings.rndcPort },
  });
  const writer = new ZoneWriter({
    tools,
    layout,
    // The operator's named.conf decides check-names; a zone it refuses fails at reload.
    checkNames: 'warn',
    ...(opts.confirmTimeoutMs !== undefined ? { confirmTimeoutMs: opts.confirmTimeoutMs } : {}),
    ...(opts.zoneLocks ? { zoneLocks: opts.zoneLocks } : {}),
    renderConfig: (state) => renderIncludedZones(state.zones, layout),
  });

  async function connect(): Promise<void> {
    const keyName = opts.rndcKeyName ?? (await readRndcKeyName(settings.rndcKeyFile));
    await mkdir(opts.stateDir, { recursive: true });
    await writeFile(layout.rndcConf, renderRndcConf(settings.rndcKeyFile, keyName), {
      mode: 0o600,
    });
    try {
      await tools.status();
    } catch (err) {
      const detail = err instanceof AppError ? JSON.stringify(err.details) : String(err);
      throw startError(
        `rndc status got no answer from ${settings.rndcHost}:${settings.rndcPort} ` +
          '(check HDNS_BIND_SYSTEM_RNDC_HOST, HDNS_BIND_SYSTEM_RNDC_PORT, ' +
          `HDNS_BIND_SYSTEM_RNDC_KEY and the controls statement of named.conf): ${detail}`,
        err,
      );
    }
  }

  return {
    settings,
    layout,
    tools,
    writer,
    stats: statsChannelOf(settings.statsUrl),
    async start() {
      await connect();
      await mkdir(settings.dir, { recursive: true });
      const result = await writer.bootstrap(await opts.initialState());
      // reconfig loads the include (new zones); zones it already had keep their old data until
      // reloaded, so reload ours one by one rather than the operator's whole server.
      await tools.reconfig();
      if ((await tools.zoneStatus(RPZ_ZONE_NAME)) === null) {
        throw startError(
          `named did not load ${layout.namedConf}; add to its named.conf:\n` +
            systemNamedConfSnippet(settings.dir),
        );
      }
      const primaries = writer.state().zones.filter((z) => z.type === 'primary');
      for (const zone of [RPZ_ZONE_NAME, ...primaries.map((z) => z.name)]) {
        await tools.reloadZone(zone);
      }
      return result;
    },
  };
}

/** The DNS backend over a system BIND: like managed mode, minus the global forwarders. */
export function systemBackend(system: SystemBind): DnsBackend {
  const timed = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
    const started = performance.now();
    const result = await work();
    return [result, Math.round(performance.now() - started)];
  };
  return {
    mode: 'system',
    appliedSerial: (zone) => system.writer.appliedSerial(zone),
    async applyZone(zone, records) {
      // Its TSIG key and the transfer rule it renders live in named.conf, which is yours here.
      if (zone.type === 'secondary')
        throw new AppError(
          'VALIDATION_ERROR',
          { field: 'type', mode: 'system' },
          { message: 'Secondary zones are managed mode only: define them in your named.conf' },
        );
      const [result, durationMs] = await timed(() => system.writer.putZone(zone, records));
      return { serial: result.serial, durationMs };
    },
    async restoreZone(zone, records) {
      await system.writer.putZone(zone, records, { restore: true });
    },
    async removeZone(zone) {
      await system.writer.deleteZone(zone);
    },
    setForwarders() {
      // Global forwarders live in the operator's options block, which is not ours to write.
      return Promise.reject(
        new AppError(
          'VALIDATION_ERROR',
          { setting: 'forwarders', mode: 'system' },
          { message: 'global forwarders are managed in your own named.conf in system mode' },
        ),
      );
    },
    setServerSettings() {
      // Listeners, ACLs and rate limits are the operator's options block too.
      return Promise.reject(
        new AppError(
          'VALIDATION_ERROR',
          { setting: 'dns', mode: 'system' },
          { message: 'DNS service settings are managed in your own named.conf in system mode' },
        ),
      );
    },
    setReplication() {
      // Keys, NOTIFY, transfer rights and catalog zones are the operator's named.conf too.
      return Promise.reject(
        new AppError(
          'VALIDATION_ERROR',
          { setting: 'replication', mode: 'system' },
          {
            message: 'Secondaries and TSIG keys are managed in your own named.conf in system mode',
          },
        ),
      );
    },
    async applyRpz(rules) {
      const [result, durationMs] = await timed(() => system.writer.putRpz(rules));
      return { serial: result.serial, durationMs };
    },
    async restoreRpz(rules) {
      await system.writer.putRpz(rules, { restore: true });
    },
    // The operator's `response-policy` names the policy zones in system mode, so feeds and the
    // allowlist are stored and compiled but not served (managed mode serves them).
    setAllowlist: () => Promise.resolve(),
    setFeedZones: () => Promise.resolve(),
    reloadFeedZone: () => Promise.resolve({ serial: null, durationMs: 0 }),
  };
}
