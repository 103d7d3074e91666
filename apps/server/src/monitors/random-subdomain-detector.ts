import { registrableDomain } from '../dns/public-suffix.js';
import type { QueryFacts } from '../queries/query-facts.js';
import { BoundedCounter } from './bounded-counter.js';
import { CRITICAL_FACTOR, detectionThreat, type DetectorEmit } from './detector-events.js';

/**
 * Random-subdomain ("water torture") pattern: more than `perMinute` distinct names answered
 * NXDOMAIN under one registered domain (`x7f3q.example.com`, `p0a9z.example.com` …) within a
 * minute → `threat_detected` (`detection.kind` `random_subdomain`) naming the domain in `qname`
 * and `detection.baseDomain`, its top client in `clientIp` and the top five in
 * `detection.clients`; critical at 4 times the threshold. The base domain is the registrable
 * domain by the Public Suffix List (dns/public-suffix.ts), so `a.b.example.co.uk` counts under
 * `example.co.uk`. Re-armed once the domain has fallen below half the threshold.
 *
 * Distinct names are counted exactly up to the critical level (beyond it nothing more is
 * learnt), as 32-bit hashes with the slot they were last seen in, so memory is bounded per
 * domain (4 × threshold + 1 names), in all (`maxNames`) and in domains (`maxDomains`); past
 * those the domains with the fewest names are dropped, never the ones an alert could fire for.
 */

export interface RandomSubdomainOptions {
  /** Distinct NXDOMAIN names under one domain per minute; 0 = off. */
  perMinute: number;
  now: () => number;
  maxDomains?: number;
  maxNames?: number;
}

const WINDOW_SEC = 60;
const SLOTS = 12;
const SLOT_MS = (WINDOW_SEC * 1000) / SLOTS;
const TOP_CLIENTS = 5;
const BASE_CACHE_SIZE = 4096;

interface DomainState {
  /** Name hash → slot it was last seen in. */
  names: Map<number, number>;
  clients: BoundedCounter;
  qtype: string;
  lastPurgeSlot: number;
  alerted: 'warning' | 'critical' | null;
}

/** FNV-1a: names are stored as 32-bit hashes (collisions only undercount, by a hair). */
function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export class RandomSubdomainDetector {
  private readonly domains = new Map<string, DomainState>();
  /** Parent name → its registrable domain (null: the parent is a public suffix). */
  private readonly baseCache = new Map<string, string | null>();
  private names = 0;

  constructor(
    private readonly opts: RandomSubdomainOptions,
    private readonly emit: DetectorEmit,
  ) {}

  record(f: QueryFacts): void {
    const threshold = this.opts.perMinute;
    if (f.rcode !== 'NXDOMAIN' || threshold <= 0) return;
    const name = f.qname.toLowerCase();
    const base = this.baseOf(name);
    if (base === null || base === name) return;
    const now = this.opts.now();
    const slot = Math.floor(now / SLOT_MS);
    let st = this.domains.get(base);
    if (!st) {
      if (this.domains.size >= (this.opts.maxDomains ?? 10_000)) this.shrink();
      st = {
        names: new Map(),
        clients: new BoundedCounter(50),
        qtype: f.qtype,
        lastPurgeSlot: slot,
        alerted: null,
      };
      this.domains.set(base, st);
    }
    st.qtype = f.qtype;
    const h = hashName(name);
    const seen = st.names.has(h);
    // Clients rank by the new names they ask, not by repeats (a retrying resolver is no sprayer).
    if (!seen) st.clients.add(f.clientIp);
    if (seen || st.names.size < threshold * CRITICAL_FACTOR + 1) {
      if (!seen) this.names++;
      st.names.set(h, slot);
      if (this.names > (this.opts.maxNames ?? 200_000)) {
        this.shrink();
        if (this.domains.get(base) !== st) return;
      }
    }
    if (st.names.size < threshold || st.alerted === 'critical') return;
    if (st.alerted === 'warning' && st.names.size < threshold * CRITICAL_FACTOR) return;
    // Over the line by the stored names: drop the expired ones (once per slot) before judging.
    if (st.lastPurgeSlot !== slot) this.purge(st, slot);
    const count = st.names.size;
    const severity =
      count >= threshold * CRITICAL_FACTOR ? 'critical' : count >= threshold ? 'warning' : null;
    if (severity === null || severity === st.alerted) return;
    st.alerted = severity;
    const clients = st.clients.top(TOP_CLIENTS).map((e) => ({ ip: e.key, count: e.count }));
    const top = clients[0]?.ip ?? f.clientIp;
    this.emit({
      type: 'threat_detected',
      data: detectionThreat({
        clientIp: top,
        qname: base,
        qtype: st.qtype,
        summary: `Random subdomains: ${count} distinct NXDOMAIN names under ${base} within a minute (threshold ${threshold}), most from ${top}`,
        detection: {
          kind: 'random_subdomain',
          severity,
          count,
          threshold,
          windowSec: WINDOW_SEC,
          baseDomain: base,
          clients,
        },
        nowMs: now,
      }),
    });
  }

  /** Expires old names, re-arms domains below half the threshold, forgets empty ones. */
  evaluate(): void {
    const slot = Math.floor(this.opts.now() / SLOT_MS);
    for (const [base, st] of this.domains) {
      if (st.lastPurgeSlot !== slot) this.purge(st, slot);
      if (st.alerted && st.names.size < this.opts.perMinute / 2) {
        st.alerted = null;
        st.clients.clear();
      }
      if (st.names.size === 0 && !st.alerted) this.domains.delete(base);
    }
  }

  /** Domains and names kept (for tests and metrics). */
  get size(): { domains: number; names: number } {
    return { domains: this.domains.size, names: this.names };
  }

  private purge(st: DomainState, slot: number): void {
    st.lastPurgeSlot = slot;
    for (const [h, seen] of st.names) {
      if (seen <= slot - SLOTS) {
        st.names.delete(h);
        this.names--;
      }
    }
  }

  /** Over a memory bound: keep the half of the domains with the most names (alerted first). */
  private shrink(): void {
    const ranked = [...this.domains].sort(
      (a, b) =>
        Number(b[1].alerted !== null) - Number(a[1].alerted !== null) ||
        b[1].names.size - a[1].names.size,
    );
    const keep = ranked.slice(0, Math.max(1, Math.floor(ranked.length / 2)));
    this.domains.clear();
    this.names = 0;
    for (const [base, st] of keep) {
      this.domains.set(base, st);
      this.names += st.names.size;
    }
  }

  /** The registrable domain of `name`, cached by its parent (random labels share a parent). */
  private baseOf(name: string): string | null {
    const dot = name.indexOf('.');
    if (dot < 0) return null;
    const parent = name.slice(dot + 1);
    let base = this.baseCache.get(parent);
    if (base === undefined) {
      base = registrableDomain(parent);
      if (this.baseCache.size >= BASE_CACHE_SIZE) this.baseCache.clear();
      this.baseCache.set(parent, base);
    }
    // A parent that is itself a public suffix: the name is the registrable domain.
    return base ?? registrableDomain(name);
  }
}
