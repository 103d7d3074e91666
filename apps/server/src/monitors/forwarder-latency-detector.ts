import type { UpstreamFacts } from '../queries/query-facts.js';
import { CRITICAL_FACTOR, type DetectorEmit } from './detector-events.js';
import { forwarderKey } from './forwarder-key.js';
import { HealthLatch } from './health-latch.js';
import { LatencyHistogram } from './latency-histogram.js';

/**
 * A forwarder getting slow or failing, from named's own exchanges with it (dnstap forwarder
 * messages), which see what clients wait for, unlike a probe every few seconds:
 * - its 99th-percentile response time over `windowSec` reaching `p99Ms` → `health_alert`
 *   (source `forwarders`, metric `forwarder_p99_ms`), critical at 4 times it;
 * - the share of its queries that timed out or got SERVFAIL reaching `failurePercent` →
 *   `health_alert` (metric `forwarder_failure_percent`), critical at 4 times it (at most 100%).
 * Each needs `MIN_SAMPLES` responses (queries) in the window; each resolves below 80% of its
 * threshold, or when named sent the forwarder nothing for a whole window (it is no longer used,
 * so nothing is left to judge). The alertId names the forwarder, so each one's alerts pair up.
 *
 * Memory: at most `MAX_FORWARDERS` forwarders, each `SLOTS` slots with an HDR histogram.
 */

export interface ForwarderLatencyOptions {
  /** p99 in ms; 0 = latency alerts off. */
  p99Ms: number;
  /** Share of failed queries in percent; 0 = failure alerts off. */
  failurePercent: number;
  windowSec: number;
  now: () => number;
}

export const MIN_SAMPLES = 20;
const MAX_FORWARDERS = 32;
const SLOTS = 6;

interface Slot {
  id: number;
  queries: number;
  failures: number;
  latency: LatencyHistogram;
}

interface ForwarderState {
  slots: Slot[];
  latency: HealthLatch;
  failures: HealthLatch;
}

export class ForwarderLatencyDetector {
  private readonly forwarders = new Map<string, ForwarderState>();
  private readonly slotMs: number;
  private readonly merged = new LatencyHistogram();

  constructor(
    private readonly opts: ForwarderLatencyOptions,
    private readonly emit: DetectorEmit,
  ) {
    this.slotMs = Math.max(1, Math.floor((opts.windowSec * 1000) / SLOTS));
  }

  record(u: UpstreamFacts): void {
    if (this.opts.p99Ms <= 0 && this.opts.failurePercent <= 0) return;
    const key = forwarderKey(u);
    let st = this.forwarders.get(key);
    if (!st) {
      if (this.forwarders.size >= MAX_FORWARDERS) return;
      st = this.newState(key);
      this.forwarders.set(key, st);
    }
    const id = Math.floor(this.opts.now() / this.slotMs);
    const slot = st.slots[id % SLOTS];
    if (!slot) return;
    if (slot.id !== id) {
      slot.id = id;
      slot.queries = 0;
      slot.failures = 0;
      slot.latency.reset();
    }
    slot.queries++;
    if (u.rcode === null || u.rcode === 'SERVFAIL') slot.failures++;
    if (u.latencyMs !== null) slot.latency.recordMs(u.latencyMs);
  }

  evaluate(): void {
    const id = Math.floor(this.opts.now() / this.slotMs);
    const window = `${this.opts.windowSec} s`;
    for (const [key, st] of this.forwarders) {
      let queries = 0;
      let failures = 0;
      this.merged.reset();
      for (const slot of st.slots) {
        if (slot.id <= id - SLOTS || slot.id > id) continue;
        queries += slot.queries;
        failures += slot.failures;
        this.merged.add(slot.latency);
      }
      if (queries === 0) {
        const message = `Forwarder ${key}: no queries in ${window}, no longer judged`;
        this.send(st.latency.resolve(message));
        this.send(st.failures.resolve(message));
        this.forwarders.delete(key);
        continue;
      }
      if (this.opts.p99Ms > 0 && this.merged.count >= MIN_SAMPLES) {
        const p99 = this.merged.percentileMs(99);
        this.send(st.latency.update(p99, ` (${this.merged.count} responses in ${window})`));
      }
      if (this.opts.failurePercent > 0 && queries >= MIN_SAMPLES) {
        const share = (failures / queries) * 100;
        this.send(st.failures.update(share, ` (${failures} of ${queries} queries in ${window})`));
      }
    }
  }

  private send(alert: ReturnType<HealthLatch['update']>): void {
    if (alert) this.emit({ type: 'health_alert', data: alert });
  }

  private newState(key: string): ForwarderState {
    const { p99Ms, failurePercent } = this.opts;
    return {
      slots: Array.from({ length: SLOTS }, () => ({
        id: -1,
        queries: 0,
        failures: 0,
        latency: new LatencyHistogram(),
      })),
      latency: new HealthLatch({
        alertId: `fwd-p99:${key}`,
        source: 'forwarders',
        metric: 'forwarder_p99_ms',
        threshold: p99Ms,
        criticalAt: p99Ms * CRITICAL_FACTOR,
        clearBelow: p99Ms * 0.8,
        label: `Forwarder ${key} p99 response time`,
        unit: ' ms',
      }),
      failures: new HealthLatch({
        alertId: `fwd-fail:${key}`,
        source: 'forwarders',
        metric: 'forwarder_failure_percent',
        threshold: failurePercent,
        criticalAt: Math.min(100, failurePercent * CRITICAL_FACTOR),
        clearBelow: failurePercent * 0.8,
        label: `Forwarder ${key} failed queries`,
        unit: '%',
      }),
    };
  }
}
