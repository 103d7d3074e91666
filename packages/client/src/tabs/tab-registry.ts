/**
 * The live tabs of one shared connection, as every tab sees them from heartbeats: each tab's
 * items, position and last sign of life. The leader's server subscriptions are the UNION of the
 * live tabs' items; every change here returns the union's difference, so the caller subscribes
 * exactly what became needed and unsubscribes what no tab wants any more.
 *
 * Contract:
 * - A tab counts once per item however often it asks (the union is a reference count by tab).
 * - A report older than the stored one (`version`) refreshes liveness but not the items.
 * - A tab not heard from for `timeoutMs` is dropped by `expire()` (crash, frozen, closed without
 *   `bye`) unless `stillAlive` vouches for it; its items leave the union with it.
 * - The owner's own entry is never expired.
 */
import type { StreamPosition } from '@hdns/protocol';
import type { TabReport } from './messages.js';

export interface UnionChange {
  added: string[];
  removed: string[];
}

interface Entry {
  report: TabReport;
  lastSeen: number;
}

export class TabRegistry {
  private readonly tabs = new Map<string, Entry>();

  constructor(
    private readonly selfId: string,
    private readonly timeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a heartbeat or report; returns how the union changed. */
  update(id: string, report: TabReport): UnionChange {
    const before = this.union();
    const entry = this.tabs.get(id);
    const keep = entry && entry.report.version > report.version;
    this.tabs.set(id, {
      report: keep
        ? { ...report, items: entry.report.items, version: entry.report.version }
        : report,
      lastSeen: this.now(),
    });
    return diff(before, this.union());
  }

  /** Adds or removes items of one tab (a request it made); returns how the union changed. */
  change(id: string, op: 'add' | 'remove', items: readonly string[], version: number): UnionChange {
    const entry = this.tabs.get(id);
    const current = new Set(entry?.report.items ?? []);
    for (const item of items) {
      if (op === 'add') current.add(item);
      else current.delete(item);
    }
    const report: TabReport = {
      leader: entry?.report.leader ?? false,
      ...(entry?.report.position ? { position: entry.report.position } : {}),
      items: [...current],
      version: Math.max(version, entry?.report.version ?? 0),
    };
    const before = this.union();
    this.tabs.set(id, { report, lastSeen: this.now() });
    return diff(before, this.union());
  }

  remove(id: string): UnionChange {
    const before = this.union();
    this.tabs.delete(id);
    return diff(before, this.union());
  }

  /** Drops tabs silent for longer than the timeout; returns their ids and the union change. */
  expire(stillAlive: (id: string) => boolean = () => false): UnionChange & { expired: string[] } {
    const before = this.union();
    const limit = this.now() - this.timeoutMs;
    const expired: string[] = [];
    for (const [id, entry] of this.tabs) {
      if (id === this.selfId || entry.lastSeen >= limit) continue;
      if (stillAlive(id)) entry.lastSeen = this.now();
      else {
        this.tabs.delete(id);
        expired.push(id);
      }
    }
    return { expired, ...diff(before, this.union()) };
  }

  has(id: string): boolean {
    return this.tabs.has(id);
  }

  /** Live tab ids (including the owner once it reported itself), sorted. */
  ids(): string[] {
    return [...this.tabs.keys()].sort();
  }

  /** The union of every live tab's explicit items, sorted. */
  union(): string[] {
    const all = new Set<string>();
    for (const { report } of this.tabs.values())
      for (const item of report.items ?? []) all.add(item);
    return [...all].sort();
  }

  /** True when some live tab named items (otherwise the server's default set applies). */
  anyExplicit(): boolean {
    for (const { report } of this.tabs.values()) if (report.items !== null) return true;
    return false;
  }

  /**
   * Where a new connection must resume so that no live tab misses anything: the lowest position
   * among the tabs in `epoch` (tabs in another epoch will be told to resync by the welcome).
   */
  lowestPosition(epoch: string | undefined): StreamPosition | undefined {
    let lowest: StreamPosition | undefined;
    for (const { report } of this.tabs.values()) {
      const p = report.position;
      if (!p || (epoch !== undefined && p.epoch !== epoch)) continue;
      if (!lowest || (p.epoch === lowest.epoch && p.seq < lowest.seq)) lowest = p;
    }
    return lowest;
  }
}

function diff(before: readonly string[], after: readonly string[]): UnionChange {
  const b = new Set(before);
  const a = new Set(after);
  return {
    added: after.filter((i) => !b.has(i)),
    removed: before.filter((i) => !a.has(i)),
  };
}
