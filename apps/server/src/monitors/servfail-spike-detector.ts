import type { QueryFacts } from '../queries/query-facts.js';
import { CRITICAL_FACTOR, type DetectorEmit } from './detector-events.js';
import { HealthLatch } from './health-latch.js';

/**
 * SERVFAIL spike: the share of SERVFAIL among the answers over `windowSec` reaching `percent`
 * (an upstream outage, broken DNSSEC, a lame delegation hit by many clients) → `health_alert`
 * (source `dns`, metric `servfail_percent`), critical at 4 times the share (at most 100%).
 * Judged only with at least `minAnswers` answers in the window, so three failures of a quiet
 * night are not a spike. Resolved below 80% of the threshold, or when the volume falls under
 * half of `minAnswers` (the share can no longer be judged, and nothing is still shouting).
 *
 * Memory: two numbers per slot, `SLOTS` slots over the window.
 */

export interface ServfailSpikeOptions {
  /** SERVFAIL share of answers in percent; 0 = off. */
  percent: number;
  minAnswers: number;
  windowSec: number;
  now: () => number;
}

const SLOTS = 12;

export class ServfailSpikeDetector {
  private readonly ids = new Array<number>(SLOTS).fill(-1);
  private readonly answers = new Array<number>(SLOTS).fill(0);
  private readonly servfails = new Array<number>(SLOTS).fill(0);
  private readonly slotMs: number;
  private readonly latch: HealthLatch;

  constructor(
    private readonly opts: ServfailSpikeOptions,
    private readonly emit: DetectorEmit,
  ) {
    this.slotMs = Math.max(1, Math.floor((opts.windowSec * 1000) / SLOTS));
    this.latch = new HealthLatch({
      alertId: 'dns:servfail',
      source: 'dns',
      metric: 'servfail_percent',
      threshold: opts.percent,
      criticalAt: Math.min(100, opts.percent * CRITICAL_FACTOR),
      clearBelow: opts.percent * 0.8,
      label: 'SERVFAIL share of answers',
      unit: '%',
    });
  }

  record(f: QueryFacts): void {
    if (f.rcode === null || this.opts.percent <= 0) return;
    const id = Math.floor(this.opts.now() / this.slotMs);
    const i = id % SLOTS;
    if (this.ids[i] !== id) {
      this.ids[i] = id;
      this.answers[i] = 0;
      this.servfails[i] = 0;
    }
    this.answers[i] = (this.answers[i] ?? 0) + 1;
    if (f.rcode === 'SERVFAIL') this.servfails[i] = (this.servfails[i] ?? 0) + 1;
  }

  evaluate(): void {
    if (this.opts.percent <= 0) return;
    const id = Math.floor(this.opts.now() / this.slotMs);
    let answers = 0;
    let servfails = 0;
    for (let i = 0; i < SLOTS; i++) {
      const slot = this.ids[i] ?? -1;
      if (slot <= id - SLOTS || slot > id) continue;
      answers += this.answers[i] ?? 0;
      servfails += this.servfails[i] ?? 0;
    }
    const window = `${this.opts.windowSec} s`;
    if (answers < this.opts.minAnswers) {
      if (answers < this.opts.minAnswers / 2) {
        const alert = this.latch.resolve(
          `SERVFAIL share no longer judged: ${answers} answers in ${window}, fewer than ${this.opts.minAnswers}`,
        );
        if (alert) this.emit({ type: 'health_alert', data: alert });
      }
      return;
    }
    const share = (servfails / answers) * 100;
    const alert = this.latch.update(share, ` (${servfails} of ${answers} answers in ${window})`);
    if (alert) this.emit({ type: 'health_alert', data: alert });
  }
}
