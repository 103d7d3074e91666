import type { EventDataOf } from '@hdns/protocol';
import { BoundedCounter } from './bounded-counter.js';

/**
 * Rolling query statistics in fixed memory: a ring of per-second buckets (one per second of the
 * longest window), each with bounded counting maps for names, clients and qtypes. A snapshot
 * merges the buckets of the last `windowSec` complete seconds (the current, partial second
 * is left out so qps is not understated). Seconds are arrival time, not log time: a backlog
 * read at start-up counts as now.
 *
 * `weight` > 1 marks estimates (lines skipped by the parse cap, see query-stream.ts); a window
 * containing any estimate reports `sampled: true`. Names are lower-cased for counting.
 */

export type QueryStats = EventDataOf<'query_stats'>;

interface Bucket {
  sec: number;
  total: number;
  blocked: number;
  estimated: boolean;
  domains: BoundedCounter;
  clients: BoundedCounter;
  qtypes: BoundedCounter;
}

export interface QueryStatsWindowOptions {
  /** Longest window a snapshot may ask for (ring size), in seconds. */
  maxWindowSec: number;
  /** Distinct names/clients kept per second before pruning (see BoundedCounter). */
  maxKeysPerSecond?: number;
  /** Length of topDomains / topClients (≤ 100, the schema's bound). */
  topN?: number;
  now?: () => number;
}

export class QueryStatsWindow {
  private readonly ring: Bucket[] = [];
  private readonly now: () => number;
  private readonly topN: number;
  private readonly startSec: number;

  constructor(private readonly opts: QueryStatsWindowOptions) {
    this.now = opts.now ?? Date.now;
    this.topN = Math.min(opts.topN ?? 10, 100);
    if (!(opts.maxWindowSec >= 1)) throw new RangeError('maxWindowSec must be >= 1');
    this.startSec = this.currentSec();
    const keys = opts.maxKeysPerSecond ?? 1000;
    for (let i = 0; i < opts.maxWindowSec; i++) {
      this.ring.push({
        sec: -1,
        total: 0,
        blocked: 0,
        estimated: false,
        domains: new BoundedCounter(keys),
        clients: new BoundedCounter(keys),
        qtypes: new BoundedCounter(64),
      });
    }
  }

  recordQuery(q: { qname: string; clientIp: string; qtype: string }, weight = 1): void {
    const b = this.bucket();
    b.total += weight;
    if (weight > 1) b.estimated = true;
    b.domains.add(q.qname.toLowerCase(), weight);
    b.clients.add(q.clientIp, weight);
    b.qtypes.add(q.qtype, weight);
  }

  /** A line counted but not parsed (over the parse cap): total only, an estimate. */
  recordUnparsed(): void {
    const b = this.bucket();
    b.total++;
    b.estimated = true;
  }

  recordBlocked(): void {
    this.bucket().blocked++;
  }

  snapshot(windowSec: number): QueryStats {
    const span = Math.min(windowSec, this.opts.maxWindowSec);
    const nowSec = this.currentSec();
    const domains = new BoundedCounter(this.topN * 100);
    const clients = new BoundedCounter(this.topN * 100);
    const qtypes = new BoundedCounter(256);
    let total = 0;
    let blocked = 0;
    let estimated = false;
    for (let s = nowSec - span; s < nowSec; s++) {
      const b = this.ring[this.index(s)];
      if (!b || b.sec !== s) continue;
      total += b.total;
      blocked += b.blocked;
      estimated ||= b.estimated;
      domains.merge(b.domains);
      clients.merge(b.clients);
      qtypes.merge(b.qtypes);
    }
    // Right after start the window is not full yet: average over the seconds that exist.
    const elapsed = Math.max(1, Math.min(span, nowSec - this.startSec));
    return {
      windowSec: span,
      qps: Math.round((total / elapsed) * 100) / 100,
      total: Math.round(total),
      blocked,
      topDomains: domains.top(this.topN).map((e) => ({ name: e.key, count: e.count })),
      topClients: clients.top(this.topN).map((e) => ({ ip: e.key, count: e.count })),
      qtypes: qtypes.toRecord(),
      sampled: estimated,
    };
  }

  private currentSec(): number {
    return Math.floor(this.now() / 1000);
  }

  private index(sec: number): number {
    return ((sec % this.ring.length) + this.ring.length) % this.ring.length;
  }

  private bucket(): Bucket {
    const sec = this.currentSec();
    const b = this.ring[this.index(sec)];
    if (!b) throw new Error('query stats ring is empty');
    if (b.sec !== sec) {
      b.sec = sec;
      b.total = 0;
      b.blocked = 0;
      b.estimated = false;
      b.domains.clear();
      b.clients.clear();
      b.qtypes.clear();
    }
    return b;
  }
}
