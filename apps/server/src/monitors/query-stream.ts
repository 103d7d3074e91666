import type { QueryFacts, QuerySink, UpstreamFacts } from '../queries/query-facts.js';
import { queryEventData } from '../queries/query-event.js';
import { queryLogFacts } from '../queries/query-log-facts.js';
import { QueryMerger, type EmitKind } from '../queries/query-merger.js';
import { LogTailer } from './log-tailer.js';
import { ownProbes, type OwnProbeCheck } from './own-probes.js';
import {
  publishSafely,
  silentLogger,
  type EventPublisher,
  type MonitorLogger,
  type Stop,
} from './monitor-types.js';
import { runPeriodically } from './periodic.js';
import { parseQueryLine } from './query-log-parser.js';
import { QueryStatsWindow } from './query-stats-window.js';
import { RateSampler } from './rate-sampler.js';

/**
 * Answered queries → `dns_query_log` (one per query, priority low), `query_stats`, and the
 * sinks (query store, Prometheus metrics, detectors). The facts come from dnstap
 * (`handleFacts` / `handleUpstream`, called by the dnstap listener) or, as the fallback, from
 * BIND's text query log, tailed here when `path` is given (`handleLine`).
 *
 * Volume control, in two stages:
 * - Events: at most `maxEventsPerSec` dns_query_log per second. Above it the stream is sampled
 *   (1 in N, each event carrying `sampled: N`, see rate-sampler.ts), and the switch is said once
 *   as an info `health_alert` (source `query_log`), resolved after `samplingQuietSec` seconds
 *   without sampling.
 * - Statistics: every line is parsed and counted, so query_stats are exact, up to
 *   `parseCapPerSec` lines in a second; past it only 1 in `parseSampleEvery` is parsed (counted
 *   with that weight, the others add to `total` only) and the window reports `sampled: true`.
 *
 * query_stats is published every `statsIntervalMs` for each window in `statsWindowsSec`
 * (default [1, 60]: a live rate and a minute of top lists; the catalogue keeps one latest value
 * per windowSec). `blocked` counts RPZ hits, fed by the rpz stream through `recordBlocked()`
 * (the query log itself has no block flag).
 *
 * The server's own probes of its named (own-probes.ts: loopback client, registered port and
 * name) are not user traffic: dropped on arrival, before the statistics, the sinks and the live
 * events, and only counted (`counters.ownProbes`, each sink's `onOwnProbe`). Beside dnstap a
 * probe's log line is dropped uncounted: its dnstap facts count it.
 */

export interface QueryStreamOptions {
  /** BIND's text query log to tail; absent when the facts are pushed (dnstap) alone. */
  path?: string;
  /**
   * Both sources at once (dnstap + the text log at `path`): each query is published from the
   * log within milliseconds and joined with its dnstap facts (see query-merger.ts). `holdMs`:
   * how long a logged query waits for its answer facts before it is published alone.
   */
  merge?: { holdMs: number; completeWithinMs?: number };
  /** Which upstream exchanges count (the forwarders); default: all. */
  isForwarder?: (upstream: UpstreamFacts) => boolean;
  sinks?: readonly QuerySink[];
  from?: 'end' | 'start' | number;
  pollIntervalMs?: number;
  maxEventsPerSec?: number;
  statsIntervalMs?: number;
  statsWindowsSec?: number[];
  topN?: number;
  maxKeysPerSecond?: number;
  parseCapPerSec?: number;
  parseSampleEvery?: number;
  samplingQuietSec?: number;
  /** Publishes in flight past this are dropped (a slow event log must not grow memory). */
  maxInFlight?: number;
  /** Which queries are the server's own probes; default: the process-wide registry. */
  ownProbes?: OwnProbeCheck;
  logger?: MonitorLogger;
  now?: () => number;
}

const SOURCE = 'monitor:query-log';

export class QueryStream {
  readonly stats: QueryStatsWindow;
  private readonly sampler: RateSampler;
  private readonly logger: MonitorLogger;
  private readonly now: () => number;
  private readonly windows: number[];
  private readonly sinks: readonly QuerySink[];
  private readonly merger: QueryMerger | null;
  private inFlight = 0;
  private parseSec = -1;
  private parsedThisSec = 0;
  private samplingAnnounced = false;
  /** Counters for tests and metrics. */
  readonly counters = { lines: 0, queries: 0, published: 0, dropped: 0, ownProbes: 0 };
  private readonly ownProbes: OwnProbeCheck;

  constructor(
    private readonly hub: EventPublisher,
    private readonly opts: QueryStreamOptions,
  ) {
    this.logger = opts.logger ?? silentLogger;
    this.now = opts.now ?? Date.now;
    this.windows = (opts.statsWindowsSec ?? [1, 60]).filter((w) => Number.isInteger(w) && w > 0);
    this.stats = new QueryStatsWindow({
      maxWindowSec: Math.max(1, ...this.windows),
      now: this.now,
      ...(opts.topN !== undefined ? { topN: opts.topN } : {}),
      ...(opts.maxKeysPerSecond !== undefined ? { maxKeysPerSecond: opts.maxKeysPerSecond } : {}),
    });
    this.sampler = new RateSampler(opts.maxEventsPerSec ?? 200, this.now);
    this.sinks = opts.sinks ?? [];
    this.ownProbes = opts.ownProbes ?? ownProbes;
    this.merger = opts.merge
      ? new QueryMerger({
          holdMs: opts.merge.holdMs,
          ...(opts.merge.completeWithinMs !== undefined
            ? { completeWithinMs: opts.merge.completeWithinMs }
            : {}),
          now: this.now,
          emit: (facts, kind, id) => this.publish(facts, kind, id),
          record: (facts) => this.record(facts, 1),
        })
      : null;
  }

  start(): Stop {
    const path = this.opts.path;
    const stopTail =
      path === undefined
        ? () => Promise.resolve()
        : new LogTailer({
            path,
            onLine: (line) => this.handleLine(line),
            logger: this.logger,
            ...(this.opts.from !== undefined ? { from: this.opts.from } : {}),
            ...(this.opts.pollIntervalMs !== undefined
              ? { pollIntervalMs: this.opts.pollIntervalMs }
              : {}),
          }).start();
    const stopStats = runPeriodically(
      () => this.publishStats(),
      this.opts.statsIntervalMs ?? 1000,
      (err) => this.logger.warn({ err }, 'query stats failed'),
    );
    let stopped: Promise<void> | null = null;
    return () =>
      (stopped ??= Promise.all([stopTail(), stopStats()]).then(() => this.merger?.stop()));
  }

  /** An RPZ rewrite happened (called by the rpz stream). */
  recordBlocked(): void {
    this.stats.recordBlocked();
  }

  handleLine(line: string): void {
    this.counters.lines++;
    const weight = this.parseWeight();
    if (weight === 0) {
      // Beside dnstap the line is only the fast path: its answer is counted when it comes.
      if (!this.merger) this.stats.recordUnparsed();
      return;
    }
    const q = parseQueryLine(line);
    if (q === null) return;
    const facts = queryLogFacts(q);
    if (!this.merger) this.handleFacts(facts, weight);
    else if (!this.isOwnProbe(facts)) this.merger.logged(facts);
  }

  /** A query's dnstap facts: joined with its log line when both are read, else handled alone. */
  handleAnswer(facts: QueryFacts): void {
    if (!this.merger) this.handleFacts(facts);
    else if (!this.droppedOwnProbe(facts)) this.merger.answer(facts);
  }

  /**
   * One answered query (dnstap, or a parsed log line with its parse weight). Statistics and the
   * sinks see every query; the live event is rate-limited and sampled.
   */
  handleFacts(facts: QueryFacts, weight = 1): void {
    if (this.droppedOwnProbe(facts)) return;
    this.record(facts, weight);
    this.publish(facts, 'complete', null);
  }

  private isOwnProbe(facts: QueryFacts): boolean {
    return this.ownProbes.isOwn(facts.clientIp, facts.clientPort, facts.qname);
  }

  /** True (and counted) when `facts` are one of the server's own probes. */
  private droppedOwnProbe(facts: QueryFacts): boolean {
    if (!this.isOwnProbe(facts)) return false;
    this.counters.ownProbes++;
    for (const sink of this.sinks) sink.onOwnProbe?.(facts);
    return true;
  }

  /** Statistics and sinks: once per query. */
  private record(facts: QueryFacts, weight: number): void {
    this.counters.queries++;
    // A logged query knows no answer: counted as the text-log stream always was.
    if (facts.source === 'querylog') this.stats.recordQuery(facts, weight);
    else this.stats.recordFacts(facts, weight);
    for (const sink of this.sinks) sink.onQuery?.(facts);
  }

  /**
   * The live event, rate-limited and sampled per query: a completion is not counted again and
   * goes out only because its early event did (the merger asks only then).
   */
  private publish(facts: QueryFacts, kind: EmitKind, id: string | null): boolean {
    const n = kind === 'completion' ? 1 : this.sampler.offer();
    if (n === 0) return false;
    if (this.inFlight >= (this.opts.maxInFlight ?? 1000)) {
      this.counters.dropped++;
      return false;
    }
    this.inFlight++;
    this.counters.published++;
    const data = queryEventData(facts);
    if (n > 1) data.sampled = n;
    if (id !== null) data.id = id;
    if (kind === 'early') data.partial = true;
    void publishSafely(this.hub, this.logger, 'dns_query_log', data, {
      source: SOURCE,
      priority: 'low',
    }).finally(() => this.inFlight--);
    return true;
  }

  /** One exchange with an upstream forwarder (dnstap FORWARDER_*). */
  handleUpstream(upstream: UpstreamFacts): void {
    if (this.opts.isForwarder && !this.opts.isForwarder(upstream)) return;
    this.stats.recordUpstream(upstream);
    for (const sink of this.sinks) sink.onUpstream?.(upstream);
  }

  /** 1 = parse and count once; k > 1 = parse, count as k; 0 = count in total only. */
  private parseWeight(): number {
    const sec = Math.floor(this.now() / 1000);
    if (sec !== this.parseSec) {
      this.parseSec = sec;
      this.parsedThisSec = 0;
    }
    const i = this.parsedThisSec++;
    const cap = this.opts.parseCapPerSec ?? 20_000;
    if (i < cap) return 1;
    const every = this.opts.parseSampleEvery ?? 10;
    return (i - cap) % every === 0 ? every : 0;
  }

  private async publishStats(): Promise<void> {
    await this.announceSampling();
    for (const w of this.windows) {
      await publishSafely(this.hub, this.logger, 'query_stats', this.stats.snapshot(w), {
        source: SOURCE,
        priority: 'low',
      });
    }
  }

  private async announceSampling(): Promise<void> {
    const nowSec = Math.floor(this.now() / 1000);
    const last = this.sampler.lastSampledSec;
    const sampling = last >= 0 && nowSec - last <= 1;
    const quiet = last < 0 || nowSec - last > (this.opts.samplingQuietSec ?? 10);
    const cap = this.opts.maxEventsPerSec ?? 200;
    if (sampling && !this.samplingAnnounced) {
      this.samplingAnnounced = true;
      const rate = this.sampler.lastSecondRate;
      const message = `Query log above ${cap} lines/s (${rate}/s): dns_query_log is sampled, 1 in ${this.sampler.factor}`;
      this.logger.info({ rate, cap, factor: this.sampler.factor }, message);
      await publishSafely(
        this.hub,
        this.logger,
        'health_alert',
        {
          alertId: 'query-log-sampling',
          severity: 'info',
          source: 'query_log',
          message,
          metric: 'query_log_lines_per_sec',
          value: rate,
          threshold: cap,
        },
        { source: SOURCE, priority: 'normal' },
      );
    } else if (this.samplingAnnounced && quiet) {
      this.samplingAnnounced = false;
      const message = `Query log back under ${cap} lines/s: every query is published`;
      this.logger.info({ cap }, message);
      await publishSafely(
        this.hub,
        this.logger,
        'health_alert',
        {
          alertId: 'query-log-sampling',
          severity: 'info',
          source: 'query_log',
          message,
          metric: 'query_log_lines_per_sec',
          threshold: cap,
          resolved: true,
        },
        { source: SOURCE, priority: 'normal' },
      );
    }
  }
}
