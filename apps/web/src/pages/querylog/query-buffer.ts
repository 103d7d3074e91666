/**
 * The query log's rows: newest first, bounded, with pause. While paused, new queries are held
 * aside (and counted) rather than moving the rows under the reader's eyes; resume puts them on
 * top. Changes are published at most once per animation frame: the stream can run at thousands
 * of queries per second and React should not render for each.
 *
 * On a quiet server the server publishes a query twice under one query id: first from the text
 * log (`partial`, within milliseconds), then with its dnstap answer facts (~1-2 s later). The
 * completion replaces the partial row in place (same position, same row key), so a query is
 * never shown twice. A completion whose partial row has left the buffer (evicted by the bound,
 * or cleared) is ignored, as its partial would be; one whose partial was never seen (the page
 * opened in between) is added as a new row.
 */
import type { EventDataOf } from '@hdns/protocol';

type QueryData = EventDataOf<'dns_query_log'>;

/** One row: the event's data with the event id as row identity; `queryId` is the data's `id`. */
export type QueryRow = Omit<QueryData, 'id'> & { id: string; seq: number; queryId?: string };

/** The part of a live or stored dns_query_log event a row is made of. */
export function toQueryRow(e: { id: string; seq: number; data: QueryData }): QueryRow {
  const { id: queryId, ...data } = e.data;
  return { ...data, id: e.id, seq: e.seq, ...(queryId !== undefined ? { queryId } : {}) };
}

/** The fields of a threat_detected the join with the query rows reads. */
export interface ThreatFacts {
  qname: string;
  clientIp: string;
  /** Set when a detector (not an RPZ rule) raised it: nothing was rewritten. */
  detection?: unknown;
}

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
  /** Query ids seen as a partial (the value says whether its completion arrived too). */
  private queryIds = new Map<string, boolean>();
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
    if (fresh.length > 0) {
      if (this.paused) this.held.push(...fresh);
      else this.rows = merge(fresh, this.rows, this.capacity);
    }
    this.schedule();
  }

  /**
   * Adds history rows (queries from before the page opened): they go straight into the shown
   * rows, in seq order, even while paused, since they are not "new while paused".
   */
  seed(rows: readonly QueryRow[]): void {
    const fresh = this.accept(rows);
    if (fresh.length > 0) this.rows = merge(fresh, this.rows, this.capacity);
    this.schedule();
  }

  /**
   * Drops rows already seen, completes partial rows, marks RPZ hits, and follows the newest
   * query's sampling. Returns the rows to insert (completions of shown rows are applied here).
   */
  private accept(rows: readonly QueryRow[]): QueryRow[] {
    const fresh: QueryRow[] = [];
    // Oldest first, so a partial and its completion in one batch (a history page) pair up.
    for (const r of [...rows].sort((a, b) => a.seq - b.seq)) {
      if (this.seen.has(r.id)) continue;
      this.seen.add(r.id);
      const row = !r.blocked && this.recentHit(r) ? { ...r, blocked: true } : r;
      if (row.queryId === undefined) fresh.push(row);
      else if (row.partial) this.acceptPartial(row, row.queryId, fresh);
      else this.acceptCompletion(row, row.queryId, fresh);
      if (row.seq > this.newestSeq) {
        // The newest query tells whether the server samples right now (a late history page of
        // older queries does not).
        this.newestSeq = row.seq;
        this.sampled = row.sampled !== undefined && row.sampled > 1 ? row.sampled : undefined;
      }
    }
    this.trimMemory();
    return fresh;
  }

  private acceptPartial(row: QueryRow, queryId: string, fresh: QueryRow[]): void {
    // Its completion came first (a history page loaded after the live event): nothing to show.
    if (this.queryIds.has(queryId)) return;
    this.queryIds.set(queryId, false);
    fresh.push(row);
  }

  private acceptCompletion(row: QueryRow, queryId: string, fresh: QueryRow[]): void {
    const known = this.queryIds.get(queryId);
    this.queryIds.set(queryId, true);
    if (known === true) return; // completed already
    if (known === undefined) {
      fresh.push(row); // its partial was never seen here
      return;
    }
    const complete = (old: QueryRow): QueryRow => ({
      ...row,
      id: old.id,
      seq: old.seq,
      blocked: (row.blocked ?? false) || (old.blocked ?? false),
    });
    const match = (r: QueryRow) => r.queryId === queryId;
    let i = fresh.findIndex(match);
    if (i >= 0) {
      fresh[i] = complete(fresh[i]!);
      return;
    }
    for (const list of ['rows', 'held'] as const) {
      i = this[list].findIndex(match);
      if (i < 0) continue;
      const copy = this[list].slice();
      copy[i] = complete(copy[i]!);
      this[list] = copy;
      return;
    }
    // The partial left the buffer (bound or Clear): its completion goes with it.
  }

  /**
   * BIND logs a rewritten query twice: in the query log (no verdict) and in the RPZ log
   * (threat_detected). Joining them here marks the query-log row as blocked, whichever of the
   * two arrives first. A detection (NXDOMAIN flood, random subdomains) rewrote nothing: it
   * marks nothing.
   */
  markBlocked(threat: ThreatFacts): void {
    if (threat.detection !== undefined) return;
    const key = hitKey(threat.qname, threat.clientIp);
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

  /** Bounds the memory of seen event ids and query ids to what the rows can still refer to. */
  private trimMemory(): void {
    if (this.seen.size > this.capacity * 3)
      this.seen = new Set([...this.rows, ...this.held].map((r) => r.id));
    if (this.queryIds.size > this.capacity * 3) {
      // Oldest first (insertion order): forget the older half.
      const keep = [...this.queryIds].slice(Math.floor(this.queryIds.size / 2));
      this.queryIds = new Map(keep);
    }
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
