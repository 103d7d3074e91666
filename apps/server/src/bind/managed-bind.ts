import type { BindBinaries } from './bind-binaries.js';
import {
  BIND_LISTEN_ADDRESS,
  DEFAULT_BIND_PORTS,
  DEFAULT_RNDC_KEY_NAME,
  bindLayout,
  type BindLayout,
  type BindPorts,
} from './bind-layout.js';
import { BindTools } from './bind-tools.js';
import { renderNamedConf, type QueryLogging } from './named-config.js';
import { NamedSupervisor, type RestartPolicy, type SupervisorEvent } from './named-supervisor.js';
import { StatsChannel } from './stats-channel.js';
import type { KeyedMutex } from '../lib/keyed-mutex.js';
import { ZoneWriter, type BootstrapInput, type BootstrapResult } from './zone-writer.js';

/**
 * Wires the managed-mode pieces over one data directory: layout, tools (rndc on the layout's
 * rndc.conf), the zone writer (rendering named.conf with these ports), the supervisor (which
 * bootstraps the writer with `initialState()` from the database before starting named, and again
 * before every restart) and the statistics channel. The app plugin calls `start()` once and keeps the returned stop.
 */

export interface ManagedBindOptions {
  dataDir: string;
  binaries: BindBinaries;
  ports?: Partial<BindPorts>;
  runAsUser?: string;
  /** Runs after the files are written, before every launch (handing them to runAsUser). */
  beforeLaunch?: () => Promise<void>;
  restart?: Partial<RestartPolicy>;
  startTimeoutMs?: number;
  confirmTimeoutMs?: number;
  /** Everything BIND should serve at start: zones with records, forwarders, RPZ rules. */
  initialState: () => BootstrapInput | Promise<BootstrapInput>;
  onEvent?: (event: SupervisorEvent) => void;
  /** The catalog zone could not be brought up to date (the writer retries at the next change). */
  onCatalogError?: (err: unknown) => void;
  /** The per-zone locks the DNS services hold (see ZoneWriterOptions); default: the writer's. */
  zoneLocks?: KeyedMutex;
  /** dnstap and/or the text query log; default: the text query log. */
  queryLogging?: QueryLogging;
}

export interface ManagedBind {
  layout: BindLayout;
  ports: BindPorts;
  tools: BindTools;
  writer: ZoneWriter;
  supervisor: NamedSupervisor;
  stats: StatsChannel;
  /** Writes the initial files and starts named; resolves with stop. */
  start(): Promise<() => Promise<void>>;
  /** Set after start: zones left out because their data failed named-checkzone. */
  bootstrapResult: BootstrapResult | null;
}

export function createManagedBind(opts: ManagedBindOptions): ManagedBind {
  const layout = bindLayout(opts.dataDir);
  const ports: BindPorts = { ...DEFAULT_BIND_PORTS, ...opts.ports };
  const tools = new BindTools({
    binaries: opts.binaries,
    rndc: { confFile: layout.rndcConf, host: BIND_LISTEN_ADDRESS, port: ports.rndc },
  });
  const writer = new ZoneWriter({
    tools,
    layout,
    policyZones: true,
    ...(opts.confirmTimeoutMs !== undefined ? { confirmTimeoutMs: opts.confirmTimeoutMs } : {}),
    ...(opts.zoneLocks ? { zoneLocks: opts.zoneLocks } : {}),
    ...(opts.onCatalogError ? { onCatalogError: opts.onCatalogError } : {}),
    renderConfig: (state) =>
      renderNamedConf({
        layout,
        ports,
        rndcKeyName: DEFAULT_RNDC_KEY_NAME,
        zones: state.zones,
        forwarders: state.forwarders,
        ...(state.server ? { server: state.server } : {}),
        ...(state.replication ? { replication: state.replication } : {}),
        ...(state.policy ? { policy: state.policy } : {}),
        ...(opts.queryLogging ? { queryLogging: opts.queryLogging } : {}),
      }),
  });
  const bind: ManagedBind = {
    layout,
    ports,
    tools,
    writer,
    stats: new StatsChannel(BIND_LISTEN_ADDRESS, ports.stats),
    bootstrapResult: null,
    supervisor: new NamedSupervisor({
      binaries: opts.binaries,
      layout,
      tools,
      rndcKeyName: DEFAULT_RNDC_KEY_NAME,
      writeConfig: async () => {
        bind.bootstrapResult = await writer.bootstrap(await opts.initialState());
        await opts.beforeLaunch?.();
      },
      ...(opts.runAsUser ? { runAsUser: opts.runAsUser } : {}),
      ...(opts.restart ? { restart: opts.restart } : {}),
      ...(opts.startTimeoutMs !== undefined ? { startTimeoutMs: opts.startTimeoutMs } : {}),
      ...(opts.onEvent ? { onEvent: opts.onEvent } : {}),
    }),
    start: () => bind.supervisor.start(),
  };
  return bind;
}
