import type { HealthAlert } from './detector-events.js';

/**
 * One `health_alert` condition with hysteresis: raised (warning) when the value reaches
 * `threshold`, escalated once (critical) at `criticalAt`, resolved (`resolved: true`) only when
 * it falls below `clearBelow`, so a value hovering at the line does not flap. The alertId is
 * stable so a reader pairs the raise, the escalation and the resolution.
 */

export interface LatchSpec {
  alertId: string;
  source: string;
  metric: string;
  threshold: number;
  criticalAt: number;
  clearBelow: number;
  /** Human label, e.g. `SERVFAIL share of answers`. */
  label: string;
  unit: string;
}

const shown = (value: number, unit: string) => `${Math.round(value * 10) / 10}${unit}`;

export class HealthLatch {
  private level: 'warning' | 'critical' | null = null;

  constructor(private readonly spec: LatchSpec) {}

  get raised(): boolean {
    return this.level !== null;
  }

  /** Feeds a measured value; returns the alert to emit, if the state changed. */
  update(value: number, detail = ''): HealthAlert | null {
    const { threshold, criticalAt, clearBelow, label, unit } = this.spec;
    const next =
      value >= criticalAt
        ? 'critical'
        : value >= threshold
          ? 'warning'
          : value < clearBelow
            ? null
            : this.level;
    if (next === this.level || (next === 'warning' && this.level === 'critical')) return null;
    if (next === null) return this.resolve(`${label} back to ${shown(value, unit)}`, value);
    this.level = next;
    const above = next === 'critical' ? criticalAt : threshold;
    return {
      ...this.base(value),
      severity: next,
      message: `${label} at ${shown(value, unit)}, above ${shown(above, unit)}${detail}`,
    };
  }

  /** Resolves a raised alert with `message` (e.g. the condition can no longer be judged). */
  resolve(message: string, value?: number): HealthAlert | null {
    if (this.level === null) return null;
    this.level = null;
    return { ...this.base(value), severity: 'info', resolved: true, message };
  }

  private base(value: number | undefined): Omit<HealthAlert, 'severity' | 'message'> {
    const { alertId, source, metric, threshold } = this.spec;
    return {
      alertId: alertId.slice(0, 64),
      source,
      metric,
      threshold,
      ...(value !== undefined ? { value: Math.round(value * 100) / 100 } : {}),
    };
  }
}
