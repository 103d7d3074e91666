import type { EventDataOf } from '@hdns/protocol';

/**
 * Turns a sampled value into `health_alert` payloads: one when it crosses `threshold` upwards,
 * one (`resolved: true`) when it falls back below `threshold - hysteresis` (so a value hovering
 * at the line does not flap). Nothing in between. The alertId is stable per metric so a reader
 * can pair the raise with its resolution.
 */

export type HealthAlert = EventDataOf<'health_alert'>;

export interface ThresholdSpec {
  source: string;
  metric: string;
  threshold: number;
  hysteresis?: number;
  severity?: 'warning' | 'critical';
  /** Human label, e.g. `CPU usage`. */
  label: string;
  unit?: string;
}

export class ThresholdAlert {
  private above = false;

  constructor(private readonly spec: ThresholdSpec) {}

  update(value: number): HealthAlert | null {
    const { source, metric, threshold, label } = this.spec;
    const unit = this.spec.unit ?? '%';
    const shown = `${Math.round(value * 10) / 10}${unit}`;
    const alertId = `${source}:${metric}`;
    if (!this.above && value >= threshold) {
      this.above = true;
      return {
        alertId,
        severity: this.spec.severity ?? 'warning',
        source,
        metric,
        value,
        threshold,
        message: `${label} at ${shown}, above ${threshold}${unit}`,
      };
    }
    if (this.above && value < threshold - (this.spec.hysteresis ?? 5)) {
      this.above = false;
      return {
        alertId,
        severity: 'info',
        source,
        metric,
        value,
        threshold,
        resolved: true,
        message: `${label} back to ${shown}, below ${threshold}${unit}`,
      };
    }
    return null;
  }
}
