import type { EventDataOf } from '@hdns/protocol';
import type { QueryFacts, UpstreamFacts } from '../queries/query-facts.js';
import { BoundedCounter } from './bounded-counter.js';
import { forwarderKey } from './forwarder-key.js';
import { LatencyHistogram } from './latency-histogram.js';

/**
 * Rolling query statistics in fixed memory: a ring of per-second buckets (one per second of the
 * longest window), each with bounded counting maps for names, clients and qtypes. A snapshot
 * merges the buckets of the last `windowSec` complete seconds (the current, partial second
 * is left out so qps is not understated). Seconds are arrival time, not log time: a backlog
 * read at start-up counts as now.
 *
 * Two feeds: the text query log (`recordQuery`, `recordBlocked`, `recordUnparsed`) knows the
 * query only; answered queries (`recordFacts`, dnstap) add the rcode mix, transports, per-client
 * blocked and NXDOMAIN counts, top NXDOMAIN and SERVFAIL names and response times, and upstream
 * exchanges (`recordUpstream`) per-forwarder figures. A snapshot carries those fields only when
 * its window has data for them, so the text-log path publishes the same event as before.
 *
 * Response times go to an HDR histogram per second (latency-histogram.ts), allocated the first
 * time a second has one and reused when the ring comes round; a snapshot adds the window's.
 *
 * `weight` > 1 marks estimates (lines skipped by the parse cap, see query-stream.ts); a window
 * containing any estimate reports `sampled: true`. Names are lower-cased for counting.
 */

export type QueryStats = EventDataOf<'query_stats'>;

interface ForwarderSecond {
  queries: number;
  failures: number;
  latency: LatencyHistogram;
}

interface Bucket {
  sec: number;
  total: number;
  blocked: number;
  estimated: boolean;
  domains: BoundedCounter;
  clients: BoundedCounter;
  qtypes: BoundedCounter;
  /** recordFacts calls (weighted), and those of them with an rcode. */
  facts: number;
  answers: number;
  rcodes: BoundedCounter;
  transports: BoundedCounter;
  clientBlocked: BoundedCounter;
  clientNxdomain: BoundedCounter;
  nxdomainNames: BoundedCounter;
  servfailNames: BoundedCounter;
  latency: LatencyHistogram | null;
  forwarders: Map<string, ForwarderSecond>;
}

export interface QueryStatsWindowOptions {
  /** Longest window a snapshot may ask for (ring size), in seconds. */
  maxWindowSec: number;
  /**
   * Distinct names/clients kept per second before pruning (see BoundedCounter); the secondary
   * lists (NXDOMAIN/SERVFAIL names, per-client blocked and NXDOMAIN) keep a quarter of it.
   */
  maxKeysPerSecond?: number;
  /** Length of topDomains / topClients / topNxdomain / topServfail (≤ 100, the schema's bound). */
  topN?: number;
  /** Forwarders tracked per second; more addresses in one second are not counted (≤ 32). */
  maxForwarders?: number;
  now?: () => number;
}

/** The `forwarders` list is at most 32 long in the catalogue. */
const MAX_FORWARDERS = 32;

/** The root's qname is empty in the facts; the catalogue's names are at least one character. */
const shownName = (name: string): string => (name === '' ? '.' : name);

export class QueryStatsWindow {
  private readonly ring: Bucket[] = [];
  private readonly now: () => number;
  private readonly topN: number;
  private readonly maxForwarders: number;
  private readonly startSec: number;
  /** Histograms of recycled seconds and past snapshots, reused before allocating new ones. */
  private readonly spareHistograms: LatencyHistogram[] = [];

  constructor(private readonly opts: QueryStatsWindowOptions) {
    this.now = opts.now ?? Date.now;
    this.topN = Math.min(opts.topN ?? 10, 100);
    this.maxForwarders = Math.min(opts.maxForwarders ?? MAX_FORWARDERS, MAX_FORWARDERS);
    if (!(opts.maxWindowSec >= 1)) throw new RangeError('maxWindowSec must be >= 1');
    this.startSec = this.currentSec();
    const keys = opts.maxKeysPerSecond ?? 1000;
    const fewer = Math.max(this.topN, Math.ceil(keys / 4));
    for (let i = 0; i < opts.maxWindowSec; i++) {
      this.ring.push({
        sec: -1,
        total: 0,
        blocked: 0,
        estimated: false,
        domains: new BoundedCounter(keys),
        clients: new BoundedCounter(keys),
        qtypes: new BoundedCounter(64),
        facts: 0,
        answers: 0,
        rcodes: new BoundedCounter(64),
        transports: new BoundedCounter(8),
        clientBlocked: new BoundedCounter(fewer),
        clientNxdomain: new BoundedCounter(fewer),
        nxdomainNames: new BoundedCounter(fewer),
        servfailNames: new BoundedCounter(fewer),
        latency: null,
        forwarders: new Map(),
      });
    }
  }

  recordQuery(q: { qname: string; clientIp: string; qtype: string }, weight = 1): void {
    const b = this.bucket();
    b.total += weight;
    if (weight > 1) b.estimated = true;
    b.domains.add(shownName(q.qname.toLowerCase()), weight);
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

  /** One answered query with what its source knows (rcode and latency may be null). */
  recordFacts(f: QueryFacts, weight = 1): void {
    const b = this.bucket();
    const name = shownName(f.qname.toLowerCase());
    b.total += weight;
    if (weight > 1) b.estimated = true;
    b.domains.add(name, weight);
    b.clients.add(f.clientIp, weight);
    b.qtypes.add(f.qtype, weight);
    b.facts += weight;
    b.transports.add(f.transport, weight);
    if (f.blocked) {
      b.blocked += weight;
      b.clientBlocked.add(f.clientIp, weight);
    }
    if (f.rcode !== null) {
      b.answers += weight;
      b.rcodes.add(f.rcode, weight);
      if (f.rcode === 'NXDOMAIN') {
        b.nxdomainNames.add(name, weight);
        b.clientNxdomain.add(f.clientIp, weight);
      } else if (f.rcode === 'SERVFAIL') {
        b.servfailNames.add(name, weight);
      }
    }
    if (f.latencyMs !== null) (b.latency ??= new LatencyHistogram()).recordMs(f.latencyMs, weight);
  }

  /** One exchange with a forwarder: no response (rcode null) or SERVFAIL count as failures. */
  recordUpstream(u: UpstreamFacts): void {
    const b = this.bucket();
    const key = forwarderKey(u);
    let fwd = b.forwarders.get(key);
    if (!fwd) {
      if (b.forwarders.size >= this.maxForwarders) return;
      fwd = { queries: 0, failures: 0, latency: this.spareHistogram() };
      b.forwarders.set(key, fwd);
    }
    fwd.queries++;
    if (u.rcode === null || u.rcode === 'SERVFAIL') fwd.failures++;
    if (u.latencyMs !== null) fwd.latency.recordMs(u.latencyMs);
  }

  snapshot(windowSec: number): QueryStats {
    const span = Math.min(windowSec, this.opts.maxWindowSec);
    const nowSec = this.currentSec();
    const wide = this.topN * 100;
    const domains = new BoundedCounter(wide);
    const clients = new BoundedCounter(wide);
    const qtypes = new BoundedCounter(256);
    const rcodes = new BoundedCounter(256);
    const transports = new BoundedCounter(16);
    const clientBlocked = new BoundedCounter(wide);
    const clientNxdomain = new BoundedCounter(wide);
    const nxdomainNames = new BoundedCounter(wide);
    const servfailNames = new BoundedCounter(wide);
    const latency = this.spareHistogram();
    const forwarders = new Map<string, ForwarderSecond>();
    let total = 0;
    let blocked = 0;
    let facts = 0;
    let answers = 0;
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
      facts += b.facts;
      answers += b.answers;
      if (b.facts > 0) {
        rcodes.merge(b.rcodes);
        transports.merge(b.transports);
        clientBlocked.merge(b.clientBlocked);
        clientNxdomain.merge(b.clientNxdomain);
        nxdomainNames.merge(b.nxdomainNames);
        servfailNames.merge(b.servfailNames);
      }
      if (b.latency) latency.add(b.latency);
      for (const [key, f] of b.forwarders) {
        if (f.queries === 0) continue;
        let sum = forwarders.get(key);
        if (!sum) {
          sum = { queries: 0, failures: 0, latency: this.spareHistogram() };
          forwarders.set(key, sum);
        }
        sum.queries += f.queries;
        sum.failures += f.failures;
        sum.latency.add(f.latency);
      }
    }
    // Right after start the window is not full yet: average over the seconds that exist.
    const elapsed = Math.max(1, Math.min(span, nowSec - this.startSec));
    const top = (c: BoundedCounter) =>
      c.top(this.topN).map((e) => ({ name: e.key, count: e.count }));
    const blockedBy = facts > 0 ? clientBlocked.toRecord() : null;
    const nxdomainOf = facts > 0 ? clientNxdomain.toRecord() : null;
    const stats: QueryStats = {
      windowSec: span,
      qps: Math.round((total / elapsed) * 100) / 100,
      total: Math.round(total),
      blocked,
      topDomains: top(domains),
      topClients: clients.top(this.topN).map((e) =>
        blockedBy && nxdomainOf
          ? {
              ip: e.key,
              count: e.count,
              blocked: blockedBy[e.key] ?? 0,
              nxdomain: nxdomainOf[e.key] ?? 0,
            }
          : { ip: e.key, count: e.count },
      ),
      qtypes: qtypes.toRecord(),
      sampled: estimated,
    };
    if (facts > 0) stats.transports = transports.toRecord();
    if (answers > 0) {
      stats.rcodes = rcodes.toRecord();
      stats.topNxdomain = top(nxdomainNames);
      stats.topServfail = top(servfailNames);
    }
    if (latency.count > 0) stats.latencyMs = latency.summary();
    if (forwarders.size > 0) {
      stats.forwarders = [...forwarders]
        .sort((a, b) => b[1].queries - a[1].queries || (a[0] < b[0] ? -1 : 1))
        .slice(0, MAX_FORWARDERS)
        .map(([address, f]) => ({
          address,
          queries: f.queries,
          failures: f.failures,
          p50Ms: f.latency.percentileMs(50),
          p99Ms: f.latency.percentileMs(99),
        }));
    }
    this.release(latency);
    for (const f of forwarders.values()) this.release(f.latency);
    return stats;
  }

  private spareHistogram(): LatencyHistogram {
    return this.spareHistograms.pop() ?? new LatencyHistogram();
  }

  private release(h: LatencyHistogram): void {
    h.reset();
    this.spareHistograms.push(h);
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
      if (b.facts > 0) {
        b.rcodes.clear();
        b.transports.clear();
        b.clientBlocked.clear();
        b.clientNxdomain.clear();
        b.nxdomainNames.clear();
        b.servfailNames.clear();
      }
      b.facts = 0;
      b.answers = 0;
      b.latency?.reset();
      for (const f of b.forwarders.values()) this.release(f.latency);
      b.forwarders.clear();
    }
    return b;
  }
}
