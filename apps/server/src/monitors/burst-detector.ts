/**
 * Per-key burst detection in bounded memory: `threshold` hits within `windowMs` raise a
 * warning, `criticalThreshold` a critical one. After an alert the key is quiet for
 * `cooldownMs`, except that a warning may still escalate once to critical. Only the newest
 * `criticalThreshold` timestamps are kept per key, and at most `maxKeys` keys (least recently
 * hit dropped first), so a spray of spoofed sources cannot grow memory.
 */

export type BurstSeverity = 'warning' | 'critical';

export interface BurstOptions {
  threshold: number;
  criticalThreshold: number;
  windowMs: number;
  cooldownMs: number;
  maxKeys?: number;
  now?: () => number;
}

interface KeyState {
  hits: number[];
  alertedAt: number;
  alerted: BurstSeverity | null;
}

export class BurstDetector {
  private readonly keys = new Map<string, KeyState>();
  private readonly now: () => number;
  private readonly keep: number;

  constructor(private readonly opts: BurstOptions) {
    this.now = opts.now ?? Date.now;
    this.keep = Math.max(opts.threshold, opts.criticalThreshold);
  }

  /** Records a hit; returns the alert to raise now, if any. */
  hit(key: string): { severity: BurstSeverity; count: number } | null {
    const now = this.now();
    let state = this.keys.get(key);
    if (state) this.keys.delete(key);
    else state = { hits: [], alertedAt: 0, alerted: null };
    this.keys.set(key, state); // re-insert: Map order is recency order
    if (this.keys.size > (this.opts.maxKeys ?? 10_000)) {
      const oldest = this.keys.keys().next().value;
      if (oldest !== undefined) this.keys.delete(oldest);
    }
    const cutoff = now - this.opts.windowMs;
    const hits = state.hits;
    while (hits.length > 0 && (hits[0] ?? 0) <= cutoff) hits.shift();
    hits.push(now);
    if (hits.length > this.keep) hits.shift();
    const count = hits.length;
    const severity: BurstSeverity | null =
      count >= this.opts.criticalThreshold
        ? 'critical'
        : count >= this.opts.threshold
          ? 'warning'
          : null;
    if (severity === null) return null;
    const cooling = state.alerted !== null && now - state.alertedAt < this.opts.cooldownMs;
    if (cooling && !(severity === 'critical' && state.alerted === 'warning')) return null;
    state.alerted = severity;
    state.alertedAt = now;
    return { severity, count };
  }

  get size(): number {
    return this.keys.size;
  }
}
