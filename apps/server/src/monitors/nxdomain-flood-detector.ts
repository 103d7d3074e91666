import type { QueryFacts } from '../queries/query-facts.js';
import { CRITICAL_FACTOR, detectionThreat, type DetectorEmit } from './detector-events.js';
import { SlidingKeyCounts } from './sliding-key-counts.js';

/**
 * NXDOMAIN flood: one client getting more than `perMinute` NXDOMAIN answers within a minute
 * (a bot walking random names, a misconfigured host, the client end of a water-torture attack)
 * → `threat_detected` naming the client (`detection.kind` `nxdomain_flood`), a warning, and once
 * more as critical at 4 times the threshold. Raised when the count crosses the line, not on a
 * timer, so it is as fast as the answers arrive; `evaluate()` (every second) re-arms a client
 * once its count has fallen below half the threshold, so one long flood is one alert.
 *
 * Memory: counts for at most 2 × `maxClients` clients (sliding-key-counts.ts), alert states for
 * at most `maxClients`; at most `maxRaisesPerSec` alerts a second (a spray of flooding sources
 * is not turned into a flood of events; the rest are raised as capacity frees up).
 */

export interface NxdomainFloodOptions {
  /** NXDOMAIN answers per client per minute; 0 = off. */
  perMinute: number;
  now: () => number;
  maxClients?: number;
  maxRaisesPerSec?: number;
}

const WINDOW_SEC = 60;

export class NxdomainFloodDetector {
  private readonly counts: SlidingKeyCounts;
  private readonly alerted = new Map<string, 'warning' | 'critical'>();
  private raiseSec = -1;
  private raisedThisSec = 0;

  constructor(
    private readonly opts: NxdomainFloodOptions,
    private readonly emit: DetectorEmit,
  ) {
    this.counts = new SlidingKeyCounts(WINDOW_SEC * 1000, 12, opts.maxClients ?? 10_000);
  }

  record(f: QueryFacts): void {
    if (f.rcode !== 'NXDOMAIN' || this.opts.perMinute <= 0) return;
    const now = this.opts.now();
    const count = this.counts.add(f.clientIp, now);
    const threshold = this.opts.perMinute;
    if (count < threshold) return;
    const was = this.alerted.get(f.clientIp);
    const severity = count >= threshold * CRITICAL_FACTOR ? 'critical' : 'warning';
    if (was === 'critical' || was === severity) return;
    if (!was && this.alerted.size >= (this.opts.maxClients ?? 10_000)) return;
    if (!this.mayRaise(now)) return;
    this.alerted.set(f.clientIp, severity);
    this.emit({
      type: 'threat_detected',
      data: detectionThreat({
        clientIp: f.clientIp,
        qname: f.qname,
        qtype: f.qtype,
        summary: `NXDOMAIN flood: ${count} NXDOMAIN answers to ${f.clientIp} within a minute (threshold ${threshold}), e.g. ${f.qname || '.'}`,
        detection: { kind: 'nxdomain_flood', severity, count, threshold, windowSec: WINDOW_SEC },
        nowMs: now,
      }),
    });
  }

  /** Re-arms clients whose flood is over; forgets quiet clients. */
  evaluate(): void {
    const now = this.opts.now();
    for (const client of this.alerted.keys()) {
      if (this.counts.total(client, now) < this.opts.perMinute / 2) this.alerted.delete(client);
    }
    this.counts.expire(now);
  }

  /** Clients with counts kept (for tests and metrics). */
  get size(): number {
    return this.counts.size;
  }

  private mayRaise(now: number): boolean {
    const sec = Math.floor(now / 1000);
    if (sec !== this.raiseSec) {
      this.raiseSec = sec;
      this.raisedThisSec = 0;
    }
    return this.raisedThisSec++ < (this.opts.maxRaisesPerSec ?? 10);
  }
}
