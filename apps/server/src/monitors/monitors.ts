import type { RndcStatus } from '../bind/rndc-parsers.js';
import type { ServerStats } from '../bind/stats-channel.js';
import { BindStatusMonitor } from './bind-status-monitor.js';
import { ForwarderHealthMonitor, type ForwarderInfo } from './forwarder-health.js';
import {
  silentLogger,
  type EventPublisher,
  type MonitorLogger,
  type Stop,
} from './monitor-types.js';
import { resolveMonitorsConfig, type MonitorsConfigInput } from './monitors-config.js';
import { QueryStream } from './query-stream.js';
import type { QueryFeed } from '../queries/query-feed.js';
import type { QuerySink, UpstreamFacts } from '../queries/query-facts.js';
import { RpzStream, type CategoryLookup } from './rpz-stream.js';
import { SystemMetricsMonitor } from './system-metrics.js';

/**
 * Starts the enabled monitors and returns one stop for all of them (idempotent; waits for every
 * monitor to finish its current round and close its files and sockets).
 *
 * Wiring: the rpz stream's hits feed the query stream's `blocked` count. A monitor is skipped
 * (and the skip logged) when its section is disabled or its input is missing: no log path, no
 * `forwarders` provider, no `bind` adapter.
 */

export interface MonitorDeps {
  hub: EventPublisher;
  logger?: MonitorLogger;
  /** Forwarders to probe, read each round (e.g. from the database). */
  forwarders?: () => Promise<ForwarderInfo[]>;
  /** Category of an RPZ rule by name (null when unknown → `custom`). */
  categoryOf?: CategoryLookup;
  /** BIND adapter: `tools.status()` and `stats.server()` of a ManagedBind, or equivalents. */
  bind?: { rndcStatus: () => Promise<RndcStatus>; serverStats: () => Promise<ServerStats> };
  /**
   * dnstap: the feed the listener pushes facts into. The query stream attaches to it instead
   * of tailing the text log, and the rpz log's hits no longer count as `blocked` (each answer
   * says whether it was rewritten).
   */
  queryFeed?: QueryFeed;
  /** Where every query's facts go besides the live stream (store, metrics, detectors). */
  querySinks?: readonly QuerySink[];
  /** Upstream exchanges with these count as forwarder figures; others are left out. */
  isForwarder?: (upstream: UpstreamFacts) => boolean;
  /** Reported in bind_status. */
  querySource?: () => { source: 'dnstap' | 'querylog' | 'none'; reason: string };
}

export function startMonitors(deps: MonitorDeps, input: MonitorsConfigInput = {}): Stop {
  const config = resolveMonitorsConfig(input);
  const logger = deps.logger ?? silentLogger;
  const { hub } = deps;
  const stops: Stop[] = [];
  const skip = (name: string, why: string): void =>
    logger.info({ monitor: name, why }, 'monitor not started');

  let queries: QueryStream | null = null;
  const q = config.queryLog;
  const sinks = deps.querySinks ?? [];
  const feed = deps.queryFeed;
  if (!q.enabled) skip('queryLog', 'disabled');
  else if (feed) {
    // dnstap, joined with the text log when named writes one too (the fast live path).
    const { path, mergeHoldMs, ...rest } = q;
    const stream = new QueryStream(hub, {
      ...rest,
      ...(path ? { path, merge: { holdMs: mergeHoldMs } } : {}),
      ...(deps.isForwarder ? { isForwarder: deps.isForwarder } : {}),
      sinks,
      logger,
    });
    queries = stream;
    stops.push(stream.start());
    const detach = feed.attach({
      onQuery: (f) => stream.handleAnswer(f),
      onUpstream: (u) => stream.handleUpstream(u),
    });
    stops.push(() => {
      detach();
      return Promise.resolve();
    });
  } else if (!q.path) skip('queryLog', 'no query log path');
  else {
    queries = new QueryStream(hub, { ...q, path: q.path, sinks, logger });
    stops.push(queries.start());
  }

  const r = config.rpzLog;
  if (!r.enabled) skip('rpzLog', 'disabled');
  else if (!r.path) skip('rpzLog', 'no rpz log path');
  else {
    const rpz = new RpzStream(hub, {
      ...r,
      path: r.path,
      logger,
      ...(deps.categoryOf ? { categoryOf: deps.categoryOf } : {}),
      onHit: () => {
        if (!feed) queries?.recordBlocked();
      },
    });
    stops.push(rpz.start());
  }

  const f = config.forwarders;
  if (!f.enabled) skip('forwarders', 'disabled');
  else if (!deps.forwarders) skip('forwarders', 'no forwarder list');
  else {
    stops.push(
      new ForwarderHealthMonitor(hub, { ...f, forwarders: deps.forwarders, logger }).start(),
    );
  }

  const s = config.system;
  if (!s.enabled) skip('system', 'disabled');
  else stops.push(new SystemMetricsMonitor(hub, { ...s, logger }).start());

  const b = config.bind;
  if (!b.enabled) skip('bind', 'disabled');
  else if (!deps.bind) skip('bind', 'no BIND adapter');
  else {
    stops.push(
      new BindStatusMonitor(hub, {
        ...deps.bind,
        managed: b.managed,
        intervalMs: b.intervalMs,
        ...(deps.querySource ? { querySource: deps.querySource } : {}),
        logger,
      }).start(),
    );
  }

  let stopping: Promise<void> | null = null;
  return () => (stopping ??= Promise.all(stops.map((stop) => stop())).then(() => undefined));
}
