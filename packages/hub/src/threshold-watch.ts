import type { EventDataOf } from '@hdns/protocol';

export interface Thresholds {
  /** Open connections above which admins are alerted. */
  connections: number;
  /** Events queued across all sessions above which admins are alerted. */
  queueDepth: number;
  /** Bytes queued or in flight across all sessions above which admins are alerted. */
  bufferedBytes: number;
  /** How often the figures are sampled. */
  intervalMs: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  connections: 5_000,
  queueDepth: 50_000,
  bufferedBytes: 256 * 1024 * 1024,
  intervalMs: 5_000,
};

type Sample = Record<'connections' | 'queueDepth' | 'bufferedBytes', number>;

/**
 * Samples hub figures on an interval and raises one `health_alert` when a figure crosses its
 * threshold and one (resolved) when it falls back below, never one per sample.
 */
export class ThresholdWatch {
  private readonly limits: Thresholds;
  private readonly above = new Set<keyof Sample>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    limits: Partial<Thresholds>,
    private readonly sample: () => Sample,
    private readonly alert: (data: EventDataOf<'health_alert'>) => void,
  ) {
    this.limits = { ...DEFAULT_THRESHOLDS, ...limits };
    this.timer = setInterval(() => this.check(), this.limits.intervalMs);
    this.timer.unref();
  }

  check(): void {
    const now = this.sample();
    for (const metric of ['connections', 'queueDepth', 'bufferedBytes'] as const) {
      const value = now[metric];
      const threshold = this.limits[metric];
      if (value > threshold && !this.above.has(metric)) {
        this.above.add(metric);
        this.alert({
          severity: 'warning',
          source: 'realtime',
          message: `Real-time ${metric} is ${value}, above the threshold of ${threshold}`,
          metric,
          value,
          threshold,
        });
      } else if (value <= threshold && this.above.has(metric)) {
        this.above.delete(metric);
        this.alert({
          severity: 'info',
          source: 'realtime',
          message: `Real-time ${metric} is back to ${value} (threshold ${threshold})`,
          metric,
          value,
          threshold,
          resolved: true,
        });
      }
    }
  }

  close(): void {
    clearInterval(this.timer);
  }
}
