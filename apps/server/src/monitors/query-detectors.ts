import type { QueryFacts, UpstreamFacts } from '../queries/query-facts.js';
import type { DetectorEmit } from './detector-events.js';
import { ForwarderLatencyDetector } from './forwarder-latency-detector.js';
import type { Stop } from './monitor-types.js';
import { NxdomainFloodDetector } from './nxdomain-flood-detector.js';
import { runPeriodically } from './periodic.js';
import { RandomSubdomainDetector } from './random-subdomain-detector.js';
import { ServfailSpikeDetector } from './servfail-spike-detector.js';

/**
 * The detectors over answered queries, fed together: NXDOMAIN floods and random-subdomain
 * patterns (→ `threat_detected`), SERVFAIL spikes and slow or failing forwarders (→
 * `health_alert`). A threshold of 0 leaves its detector out. `recordFacts`/`recordUpstream`
 * are synchronous and O(1) amortised per record (the ingest path calls them for every answer);
 * threats fire as the count crosses the line, the rest is judged by `evaluate()`, which
 * `start()` runs every `evaluateIntervalMs` (default 1 s) until stopped.
 *
 * Events go to `emit` (the caller publishes them; detectors never await anything).
 */

/** The parsed `detection` settings (config/settings-table-detection.ts), structurally. */
export interface DetectionSettings {
  nxdomainPerMin: number;
  randomSubdomainsPerMin: number;
  servfailPercent: number;
  servfailMinAnswers: number;
  forwarderP99Ms: number;
  forwarderFailurePercent: number;
  windowSeconds: number;
}

export interface QueryDetectorsOptions {
  settings: DetectionSettings;
  emit: DetectorEmit;
  now?: () => number;
  evaluateIntervalMs?: number;
  /** Errors of an evaluation (none expected; the schedule continues). */
  onError?: (err: unknown) => void;
}

export class QueryDetectors {
  private readonly nxdomain: NxdomainFloodDetector | null;
  private readonly randomSubdomains: RandomSubdomainDetector | null;
  private readonly servfail: ServfailSpikeDetector | null;
  private readonly forwarders: ForwarderLatencyDetector | null;

  constructor(private readonly opts: QueryDetectorsOptions) {
    const s = opts.settings;
    const now = opts.now ?? Date.now;
    const emit = opts.emit;
    this.nxdomain =
      s.nxdomainPerMin > 0
        ? new NxdomainFloodDetector({ perMinute: s.nxdomainPerMin, now }, emit)
        : null;
    this.randomSubdomains =
      s.randomSubdomainsPerMin > 0
        ? new RandomSubdomainDetector({ perMinute: s.randomSubdomainsPerMin, now }, emit)
        : null;
    this.servfail =
      s.servfailPercent > 0
        ? new ServfailSpikeDetector(
            {
              percent: s.servfailPercent,
              minAnswers: s.servfailMinAnswers,
              windowSec: s.windowSeconds,
              now,
            },
            emit,
          )
        : null;
    this.forwarders =
      s.forwarderP99Ms > 0 || s.forwarderFailurePercent > 0
        ? new ForwarderLatencyDetector(
            {
              p99Ms: s.forwarderP99Ms,
              failurePercent: s.forwarderFailurePercent,
              windowSec: s.windowSeconds,
              now,
            },
            emit,
          )
        : null;
  }

  /** True when no detector is on (every threshold 0): the caller may skip feeding it. */
  get idle(): boolean {
    return !this.nxdomain && !this.randomSubdomains && !this.servfail && !this.forwarders;
  }

  recordFacts(f: QueryFacts): void {
    if (f.rcode === null) return; // text-log records: no answer to judge
    this.nxdomain?.record(f);
    this.randomSubdomains?.record(f);
    this.servfail?.record(f);
  }

  recordUpstream(u: UpstreamFacts): void {
    this.forwarders?.record(u);
  }

  /** Judges the windowed conditions now (start() does this on its timer). */
  evaluate(): void {
    this.nxdomain?.evaluate();
    this.randomSubdomains?.evaluate();
    this.servfail?.evaluate();
    this.forwarders?.evaluate();
  }

  start(): Stop {
    return runPeriodically(
      () => this.evaluate(),
      this.opts.evaluateIntervalMs ?? 1000,
      this.opts.onError ?? (() => undefined),
    );
  }
}
