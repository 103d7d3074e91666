import type { ProbeResult } from './dns-probe.js';

/**
 * The health of one forwarder from its probe history (pure; forwarder-health.ts probes).
 *
 * - down:     `downAfter` consecutive failed probes (default 3);
 * - degraded: the last probe failed, or it answered slower than `slowMs` (200 ms), or fewer
 *             than `minSuccessRate` (90 %) of the last `window` probes (10) succeeded;
 * - healthy:  otherwise.
 * So a forwarder that just came back is `degraded` until its recent failures age out of the
 * window: recovery is reported (down → degraded) without claiming full health too early.
 */

export type HealthState = 'healthy' | 'degraded' | 'down';

export interface HealthPolicy {
  slowMs: number;
  downAfter: number;
  window: number;
  minSuccessRate: number;
}

export const DEFAULT_HEALTH_POLICY: HealthPolicy = {
  slowMs: 200,
  downAfter: 3,
  window: 10,
  minSuccessRate: 0.9,
};

export interface Transition {
  from: HealthState | null;
  to: HealthState;
  reason: string;
}

export class ForwarderState {
  status: HealthState | null = null;
  latencyMs: number | null = null;
  lastCheckedAt: string | null = null;
  consecutiveFailures = 0;
  reason = '';
  private readonly outcomes: boolean[] = [];

  constructor(private readonly policy: HealthPolicy) {}

  get successRate(): number {
    if (this.outcomes.length === 0) return 1;
    return this.outcomes.filter(Boolean).length / this.outcomes.length;
  }

  /** Folds one probe in; returns the transition when the state changed (or was first set). */
  record(result: ProbeResult, at: Date): Transition | null {
    this.outcomes.push(result.ok);
    if (this.outcomes.length > this.policy.window) this.outcomes.shift();
    this.consecutiveFailures = result.ok ? 0 : this.consecutiveFailures + 1;
    this.latencyMs = result.ok ? result.latencyMs : null;
    this.lastCheckedAt = at.toISOString();
    const [to, reason] = this.classify(result);
    this.reason = reason;
    const from = this.status;
    this.status = to;
    return from === to ? null : { from, to, reason };
  }

  private classify(result: ProbeResult): [HealthState, string] {
    const failure = result.error ?? (result.rcode ? `answered ${result.rcode}` : 'failed');
    if (this.consecutiveFailures >= this.policy.downAfter) {
      return ['down', `${this.consecutiveFailures} consecutive failed probes (${failure})`];
    }
    if (!result.ok) return ['degraded', `probe failed (${failure})`];
    if (result.latencyMs !== null && result.latencyMs > this.policy.slowMs) {
      return ['degraded', `slow: ${result.latencyMs} ms > ${this.policy.slowMs} ms`];
    }
    const rate = this.successRate;
    if (rate < this.policy.minSuccessRate) {
      return [
        'degraded',
        `${Math.round(rate * 100)}% of the last ${this.outcomes.length} probes succeeded`,
      ];
    }
    return ['healthy', `answered ${result.rcode ?? ''} in ${result.latencyMs ?? '?'} ms`.trim()];
  }
}
