import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { detectDnstapSupport, type DnstapSupport } from '../dnstap/dnstap-support.js';
import {
  startDnstapListener,
  type DnstapCounters,
  type DnstapLogger,
} from '../dnstap/dnstap-listener.js';
import { QueryFeed } from './query-feed.js';
import {
  chooseQuerySource,
  type QuerySourceChoice,
  type QuerySourceSetting,
} from './query-source.js';

/**
 * Query capture for one named: decides the source (HDNS_QUERY_SOURCE against `named -V`) and,
 * for dnstap, listens on the socket BEFORE named starts (named connects every 5 s and drops
 * what it produces while not connected). The facts go to `feed`, which the query stream attaches
 * to when the monitors start. `dnstap` is what named.conf must say (null: the text log).
 */
export interface QueryCapture {
  choice: QuerySourceChoice;
  feed: QueryFeed;
  /** The dnstap options for named.conf; null when the text log is the source. */
  dnstap: { socket: string; identity: string } | null;
  /** Whether named also writes the text query log (always without dnstap). */
  textLog: boolean;
  counters(): DnstapCounters | null;
  /** Idempotent. */
  stop(): Promise<void>;
}

export interface QueryCaptureOptions {
  setting: QuerySourceSetting;
  /** Keep the text query log beside dnstap (the fast live path, query-merger.ts). */
  textLogWithDnstap: boolean;
  /** `dnstap-identity`; default: the host name. */
  identity?: string;
  socketPath: string;
  /** The named binary whose `-V` is read; null = support known by other means (`support`). */
  namedPath: string | null;
  /** Given instead of running `named -V` (system mode: the operator configured dnstap). */
  support?: DnstapSupport;
  rpzZones(): readonly string[];
  /**
   * Who may connect: managed mode gives the socket to named's group (0660) or, with named as
   * root, to root alone (0600); default 0666 (system mode: the operator's named, user unknown;
   * the README says to put the socket in a directory only it and the server reach).
   */
  socketMode?: number;
  socketGid?: number;
  logger: DnstapLogger & { error(obj: object, msg?: string): void };
}

/** Unix socket paths are limited to 107 bytes (sun_path); a longer one cannot be listened on. */
const MAX_SOCKET_PATH = 107;

export async function startQueryCapture(opts: QueryCaptureOptions): Promise<QueryCapture> {
  const feed = new QueryFeed();
  const support =
    opts.support ??
    (opts.namedPath === null || opts.setting === 'querylog'
      ? { supported: false }
      : await detectDnstapSupport(opts.namedPath));
  const choice = chooseQuerySource(opts.setting, support);
  const textOnly = (reason: string): QueryCapture => ({
    choice: { source: 'querylog', reason },
    feed,
    dnstap: null,
    textLog: true,
    counters: () => null,
    stop: () => Promise.resolve(),
  });
  if (choice.source !== 'dnstap') return textOnly(choice.reason);
  if (Buffer.byteLength(opts.socketPath) > MAX_SOCKET_PATH) {
    return textOnly(`the dnstap socket path is longer than ${MAX_SOCKET_PATH} bytes`);
  }
  try {
    await mkdir(path.dirname(opts.socketPath), { recursive: true });
    const listener = await startDnstapListener({
      socketPath: opts.socketPath,
      rpzZones: () => opts.rpzZones(),
      ...(opts.socketMode !== undefined ? { socketMode: opts.socketMode } : {}),
      ...(opts.socketGid !== undefined ? { socketGid: opts.socketGid } : {}),
      onQuery: (f) => feed.onQuery(f),
      onUpstream: (u) => feed.onUpstream(u),
      logger: opts.logger,
    });
    return {
      choice,
      feed,
      dnstap: { socket: listener.socketPath, identity: opts.identity ?? hostname().slice(0, 64) },
      textLog: opts.textLogWithDnstap,
      counters: () => listener.counters(),
      stop: () => listener.stop(),
    };
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    opts.logger.error({ err: why }, 'dnstap listener failed; the text query log is the source');
    return textOnly(`the dnstap listener failed: ${why}`.slice(0, 500));
  }
}
