/**
 * The query log's rows: newest first, bounded, with pause. While paused, new queries are held
 * aside (and counted) rather than moving the rows under the reader's eyes; resume puts them on
 * top. Changes are published at most once per animation frame: the stream can run at thousands
 * of queries per second and React should not render for each.
 */
import type { EventDataOf } from '@hdns/protocol';

export type QueryRow = EventDataOf<'dns_query_log'> & { id: string; seq: number };

export interface QuerySnapshot {
  rows: readonly QueryRow[];
  paused: boolean;
  /** Queries received while paused, not shown yet. */
  held: number;
  /** `n` when the newest query said the server publishes one in n; undefined when not sampled. */
  sampledOneIn: number | undefined;
}

export class QueryBuffer {
  private rows: QueryRow[] = [];
  private held: QueryRow[] = [];
  private paused = false;
  private sampled: number | undefined;
  private newestSeq = 0;
  private seen = new Set<string>();
  /** Recent RPZ hits (qname|client), to mark the matching queries as blocked. */
  private readonly hits = new Map<string, number>();
  private snapshot: QuerySnapshot = { rows: [], paused: false, held: 0, sampledOneIn: undefined };
  private frame = 0;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly capacity = 5_000) {}

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.frame) cancelAnimationFrame(this.frame);
    };
  };

  readonly getSnapshot = (): QuerySnapshot => this.snapshot;

  /** Adds live rows (any order); duplicates by id are dropped; held aside while paused. */
  add(rows: readonly QueryRow[]): void {
    const fresh = this.accept(rows);
    if (fresh.length === 0) return;
    if (this.paused) this.held.push(...fresh);
    else this.rows = merge(fresh, this.rows, this.capacity);
    this.schedule();
  }

  /**
   * Adds history rows (queries from before the page opened): they go straight into the shown
   * rows, in seq order, even while paused, since they are not "new while paused".
   */
  seed(rows: readonly QueryRow[]): void {
    const fresh = this.accept(rows);
    if (fresh.length === 0) return;
    this.rows = merge(fresh, this.rows, this.capacity);
    this.schedule();
  }

  /** Drops rows already seen, marks RPZ hits, and follows the newest query's sampling. */
  private accept(rows: readonly QueryRow[]): QueryRow[] {
    const fresh: QueryRow[] = [];
    for (const r of rows) {
      if (this.seen.has(r.id)) continue;
      this.seen.add(r.id);
      fresh.push(!r.blocked && this.recentHit(r) ? { ...r, blocked: true } : r);
    }
    if (fresh.length === 0) return fresh;
    const last = fresh.reduce((a, b) => (b.seq > a.seq ? b : a));
    // The newest query tells whether the server samples right now (a late history page of
    // older queries does not).
    if (last.seq > this.newestSeq) {
      this.newestSeq = last.seq;
      this.sampled = last.sampled !== undefined && last.sampled > 1 ? last.sampled : undefined;
    }
    this.trimSeen();
    return fresh;
  }

  /**
   * BIND logs a rewritten query twice: in the query log (no verdict) and in the RPZ log
   * (threat_detected). Joining them here marks the query-log row as blocked, whichever of the
   * two arrives first.
   */
  markBlocked(qname: string, clientIp: string): void {
    const key = hitKey(qname, clientIp);
    this.hits.set(key, Date.now());
    if (this.hits.size > HIT_MEMORY) {
      const oldest = this.hits.keys().next().value;
      if (oldest !== undefined) this.hits.delete(oldest);
    }
    let changed = false;
    const mark = (list: QueryRow[]) =>
      list.map((r, i) => {
        if (i >= RECENT_ROWS || r.blocked || hitKey(r.qname, r.clientIp) !== key) return r;
        changed = true;
        return { ...r, blocked: true };
      });
    this.rows = mark(this.rows);
    this.held = mark(this.held);
    if (changed) this.schedule();
  }

  private recentHit(r: QueryRow): boolean {
    const at = this.hits.get(hitKey(r.qname, r.clientIp));
    return at !== undefined && Date.now() - at < HIT_WINDOW_MS;
  }

  setPaused(paused: boolean): void {
    if (this.paused === paused) return;
    this.paused = paused;
    if (!paused && this.held.length) {
      this.rows = merge(this.held, this.rows, this.capacity);
      this.held = [];
    }
    this.schedule();
  }

  clear(): void {
    this.rows = [];
    this.held = [];
    this.schedule();
  }

  private trimSeen(): void {
    if (this.seen.size <= this.capacity * 3) return;
    this.seen = new Set([...this.rows, ...this.held].map((r) => r.id));
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.snapshot = {
        rows: this.rows,
        paused: this.paused,
        held: this.held.length,
        sampledOneIn: this.sampled,
      };
      for (const l of this.listeners) l();
    });
  }
}

/** How many RPZ hits are remembered, and how far back rows are re-checked. */
const HIT_MEMORY = 1_000;
const RECENT_ROWS = 500;
/** A query and its RPZ log line are written within moments of each other. */
const HIT_WINDOW_MS = 10_000;

function hitKey(qname: string, clientIp: string): string {
  return `${qname.toLowerCase().replace(/\.$/, '')}|${clientIp}`;
}

/**
 * Merges by seq, newest first. Live rows usually are all newer (the cheap path); the history
 * seed can arrive after the first live rows and then belongs below them.
 */
function merge(
  added: readonly QueryRow[],
  existing: readonly QueryRow[],
  capacity: number,
): QueryRow[] {
  const sorted = [...added].sort((a, b) => b.seq - a.seq);
  const oldestAdded = sorted[sorted.length - 1];
  const newestExisting = existing[0];
  if (!oldestAdded || !newestExisting || oldestAdded.seq > newestExisting.seq)
    return sorted.concat(existing).slice(0, capacity);
  const out: QueryRow[] = [];
  let i = 0;
  let j = 0;
  while (out.length < capacity) {
    const a = sorted[i];
    const b = existing[j];
    if (a && (!b || a.seq > b.seq)) {
      out.push(a);
      i++;
    } else if (b) {
      out.push(b);
      j++;
    } else break;
  }
  return out;
}
