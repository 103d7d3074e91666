import type { ClientSummary } from '@hdns/protocol/rest';
import { SUMMARY_TOP } from './query-store.js';
import { reverseName } from './reversed-name.js';

/** One group of a client's queries: (rcode, qtype, name, blocked) with its count and times. */
export interface SummaryGroup {
  rcode: string | null;
  qtype: string;
  rname: string;
  blocked: number | boolean;
  n: number | string;
  first: number | string;
  last: number | string;
}

/**
 * Folds the grouped rows of one client (from one or several partitions) into the summary. The
 * backends group in SQL by (rcode, qtype, name, blocked); a client asks few distinct names,
 * so the fold is small.
 */
export class ClientSummaryBuilder {
  private total = 0;
  private blocked = 0;
  private readonly rcodes: Record<string, number> = {};
  private readonly qtypes: Record<string, number> = {};
  private readonly names = new Map<string, number>();
  private readonly blockedNames = new Map<string, number>();
  private first: number | null = null;
  private last: number | null = null;

  add(group: SummaryGroup): void {
    const n = Number(group.n);
    const isBlocked = group.blocked === true || group.blocked === 1;
    this.total += n;
    if (isBlocked) this.blocked += n;
    // The text log has no rcode: its rows count as UNKNOWN in the mix.
    const rcode = group.rcode ?? 'UNKNOWN';
    this.rcodes[rcode] = (this.rcodes[rcode] ?? 0) + n;
    this.qtypes[group.qtype] = (this.qtypes[group.qtype] ?? 0) + n;
    const name = reverseName(group.rname);
    this.names.set(name, (this.names.get(name) ?? 0) + n);
    if (isBlocked) this.blockedNames.set(name, (this.blockedNames.get(name) ?? 0) + n);
    const first = Number(group.first);
    const last = Number(group.last);
    if (this.first === null || first < this.first) this.first = first;
    if (this.last === null || last > this.last) this.last = last;
  }

  build(ip: string, fromMs: number, toMs: number): ClientSummary {
    const top = (m: Map<string, number>) =>
      [...m]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, SUMMARY_TOP)
        .map(([name, count]) => ({ name, count }));
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    return {
      ip,
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      total: this.total,
      blocked: this.blocked,
      rcodes: this.rcodes,
      qtypes: this.qtypes,
      topNames: top(this.names),
      topBlocked: top(this.blockedNames),
      firstSeen: iso(this.first),
      lastSeen: iso(this.last),
    };
  }
}
