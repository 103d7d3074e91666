import type { QueryFacts } from './query-facts.js';

/**
 * Joins the two views of one query when named reports both: the text query log (written when
 * the query arrives, read within milliseconds) and dnstap (the answer facts, but up to ~2 s
 * late on a quiet server: fstrm writes on a 1 s flush timer, bind9-next.md §1).
 *
 * - A logged query waits up to `holdMs` for its dnstap facts. If they come, one complete event
 *   is published (`emit(answer, 'complete')`). If not, the logged query is published at once as
 *   `early` (the live view stays fast) and its dnstap facts, when they come within
 *   `completeWithinMs`, as `completion` (same id).
 * - dnstap facts with no logged query waiting are published as `complete` at once (the text log
 *   was slower, or is not read); the logged line that follows is recognised and dropped.
 * - `record` receives every query exactly once for the statistics and the store: the dnstap
 *   facts, or the logged query alone when no dnstap facts came within `completeWithinMs`
 *   (named not connected to the socket yet, or frames dropped): nothing is lost, nothing counted twice.
 * - `completeWithinMs` (default `COMPLETE_WITHIN_MS`, 35 s) outlasts named's slowest answer: a
 *   recursion that fails answers SERVFAIL only after `resolver-query-timeout` (10 s by default,
 *   at most 30 s in 9.18), and dnstap brings that answer up to ~2 s later still.
 * - A query settled alone is remembered for another `completeWithinMs`: dnstap facts for it that
 *   come later still are dropped (counted as `late`), neither published nor recorded, since the
 *   store already holds the query and a second row for it would count it twice. The store is
 *   insert-only, so the live stream publishes no answer the store will not have either.
 *
 * The key is client address and port, name and type: the text log has no DNS id, and a client
 * port is rarely reused for the same question within seconds; equal keys are matched in order.
 * Memory is bounded by `maxPending` per map (the oldest entry is settled early when full), and
 * each arrival-order queue is compacted when settled entries make it twice that long.
 * Deadlines fall in arrival order (one hold for all), so one timer on the oldest entry suffices.
 */

export type EmitKind = 'complete' | 'early' | 'completion';

export interface QueryMergerOptions {
  holdMs: number;
  completeWithinMs?: number;
  maxPending?: number;
  /** Publishes live; returns whether it did (an early event sampled out gets no completion). */
  emit(facts: QueryFacts, kind: EmitKind, id: string | null): boolean;
  record(facts: QueryFacts): void;
  now?: () => number;
}

interface Held {
  key: string;
  id: string;
  logged: QueryFacts;
  due: number;
  /** Settled entries stay in the order queues until they reach the head (lazy removal). */
  done: boolean;
  /** The early event went out (so its completion must too). */
  published: boolean;
}

/** An answer published before its log line was read: the line, when it comes, is dropped. */
interface Answered {
  key: string;
  due: number;
  done: boolean;
}

/** How far apart a query's log time and its answer time may be beyond its latency. */
const SAME_QUERY_MS = 2000;

/**
 * How long a logged query waits for its dnstap facts before it is recorded alone: longer than
 * named 9.18 takes to give up on a recursion (`resolver-query-timeout`, 10 s by default, 30 s
 * at most) plus dnstap's delay (up to ~2 s on a quiet server), so a slow SERVFAIL still
 * completes its query rather than arriving after it was settled.
 */
export const COMPLETE_WITHIN_MS = 35_000;

export function mergeKey(f: QueryFacts): string {
  return `${f.clientIp}#${f.clientPort} ${f.qname} ${f.qtype}`;
}

/** Appends to the queue under `key`. */
function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const queue = map.get(key);
  if (queue) queue.push(value);
  else map.set(key, [value]);
}

/**
 * Appends to an arrival-order queue. Settled entries leave a queue only at its head (lazy), so
 * one slow entry at the head could keep many settled ones behind it: past `limit` the queue
 * drops them all at once (amortised: it is then at most half as long).
 */
function enqueue<T extends { done: boolean }>(order: T[], value: T, limit: number): void {
  order.push(value);
  if (order.length <= limit) return;
  let kept = 0;
  for (const entry of order) if (!entry.done) order[kept++] = entry;
  order.length = kept;
}

/** Takes the oldest entry under `key`. */
function shift<T>(map: Map<string, T[]>, key: string): T | undefined {
  const queue = map.get(key);
  if (!queue) return undefined;
  const value = queue.shift();
  if (queue.length === 0) map.delete(key);
  return value;
}

export class QueryMerger {
  /** Logged queries waiting for their answer within the hold (arrival order). */
  private readonly held = new Map<string, Held[]>();
  private readonly heldOrder: Held[] = [];
  /** Published early, waiting for their completion. */
  private readonly early = new Map<string, Held[]>();
  private readonly earlyOrder: Held[] = [];
  private heldCount = 0;
  private earlyCount = 0;
  /** Answers published with no logged query seen: the line may still come (drop it then). */
  private readonly answered = new Map<string, Answered[]>();
  private readonly answeredOrder: Answered[] = [];
  private answeredCount = 0;
  /** Settled alone (recorded without answer facts): their dnstap facts, if late, are dropped. */
  private readonly settled = new Map<string, Held[]>();
  private readonly settledOrder: Held[] = [];
  private settledCount = 0;
  private timer: NodeJS.Timeout | null = null;
  private timerDue = Infinity;
  private seq = 0;
  private stopped = false;
  private readonly now: () => number;
  private readonly completeWithinMs: number;
  private readonly maxPending: number;
  readonly counters = {
    merged: 0,
    early: 0,
    completed: 0,
    loggedOnly: 0,
    answerOnly: 0,
    /** dnstap facts dropped: their query was settled alone before they came. */
    late: 0,
  };

  constructor(private readonly opts: QueryMergerOptions) {
    this.now = opts.now ?? Date.now;
    this.completeWithinMs = opts.completeWithinMs ?? COMPLETE_WITHIN_MS;
    this.maxPending = opts.maxPending ?? 50_000;
  }

  /** A query read from the text log. */
  logged(f: QueryFacts): void {
    if (this.stopped) return;
    const key = mergeKey(f);
    const done = shift(this.answered, key);
    if (done) {
      // Its answer was already published and recorded.
      done.done = true;
      this.answeredCount--;
      return;
    }
    const entry: Held = {
      key,
      id: '',
      logged: f,
      due: this.now() + this.opts.holdMs,
      done: false,
      published: false,
    };
    push(this.held, key, entry);
    enqueue(this.heldOrder, entry, this.orderLimit());
    this.heldCount++;
    if (this.heldCount > this.maxPending) this.releaseHeld(this.head(this.heldOrder)!);
    this.schedule();
  }

  /** A query's dnstap facts. */
  answer(f: QueryFacts): void {
    if (this.stopped) return;
    this.place(f);
    // Matching may have settled stale entries under this key (new deadlines).
    this.schedule();
  }

  /** Joins the facts with their logged query, drops them if it was settled, or publishes them. */
  private place(f: QueryFacts): void {
    const key = mergeKey(f);
    const held = this.takeMatching(this.held, key, f, (h) => this.releaseHeld(h));
    if (held) {
      held.done = true;
      this.heldCount--;
      this.counters.merged++;
      this.opts.emit(withLogged(f, held.logged), 'complete', null);
      this.opts.record(withLogged(f, held.logged));
      return;
    }
    const early = this.takeMatching(this.early, key, f, (e) => this.expireEarly(e));
    if (early) {
      early.done = true;
      this.earlyCount--;
      this.counters.completed++;
      if (early.published) this.opts.emit(withLogged(f, early.logged), 'completion', early.id);
      this.opts.record(withLogged(f, early.logged));
      return;
    }
    const late = this.takeMatching(this.settled, key, f, (s) => this.forgetSettled(s));
    if (late) {
      // Its query is stored (and was published) already, without these facts: not a new query.
      late.done = true;
      this.settledCount--;
      this.counters.late++;
      return;
    }
    this.counters.answerOnly++;
    this.opts.emit(f, 'complete', null);
    this.opts.record(f);
    const due = this.now() + this.completeWithinMs;
    const entry: Answered = { key, due, done: false };
    push(this.answered, key, entry);
    enqueue(this.answeredOrder, entry, this.orderLimit());
    this.answeredCount++;
    if (this.answeredCount > this.maxPending) this.expireAnswered(this.now());
  }

  /**
   * The oldest logged query under `key` that can be this answer's: logged no later than 1 s after
   * the answer (the clocks tick in ms, the log a little later) and no earlier than the answer's
   * latency allows. Older ones under the same key are another query whose dnstap never came
   * (a client reusing its port for the same question): they are settled alone by `stale`.
   */
  private takeMatching(
    map: Map<string, Held[]>,
    key: string,
    answer: QueryFacts,
    stale: (h: Held) => void,
  ): Held | undefined {
    const slack = Math.max(SAME_QUERY_MS, (answer.latencyMs ?? 0) + SAME_QUERY_MS);
    for (let h = map.get(key)?.[0]; h !== undefined; h = map.get(key)?.[0]) {
      const lead = answer.tsMs - h.logged.tsMs;
      if (lead > slack) {
        stale(h);
        continue;
      }
      if (lead < -SAME_QUERY_MS) return undefined;
      shift(map, key);
      return h;
    }
    return undefined;
  }

  /** Publishes what is held, records what waits for a completion; idempotent. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const h of this.heldOrder.filter((x) => !x.done)) this.releaseHeld(h);
    for (const e of this.earlyOrder.filter((x) => !x.done)) this.expireEarly(e);
    this.heldOrder.length = 0;
    this.earlyOrder.length = 0;
    this.answered.clear();
    this.answeredOrder.length = 0;
    this.answeredCount = 0;
    this.settled.clear();
    this.settledOrder.length = 0;
    this.settledCount = 0;
  }

  /** Entries waiting in each stage (tests, metrics). */
  pending(): { held: number; early: number; answered: number; settled: number } {
    return {
      held: this.heldCount,
      early: this.earlyCount,
      answered: this.answeredCount,
      settled: this.settledCount,
    };
  }

  /** Length past which an arrival-order queue sheds its settled entries. */
  private orderLimit(): number {
    return 2 * this.maxPending + 16;
  }

  /** The first unsettled entry of an order queue, dropping settled ones from its head. */
  private head(order: Held[]): Held | undefined {
    while (order.length > 0 && order[0]!.done) order.shift();
    return order[0];
  }

  private releaseHeld(h: Held): void {
    h.done = true;
    this.heldCount--;
    removeFrom(this.held, h);
    const e: Held = { ...h, done: false };
    e.id = `q${(++this.seq).toString(36)}`;
    e.due = this.now() + this.completeWithinMs;
    this.counters.early++;
    e.published = this.opts.emit(e.logged, 'early', e.id);
    if (this.stopped) {
      this.counters.loggedOnly++;
      this.opts.record(e.logged);
      return;
    }
    push(this.early, e.key, e);
    enqueue(this.earlyOrder, e, this.orderLimit());
    this.earlyCount++;
    if (this.earlyCount > this.maxPending) this.expireEarly(this.head(this.earlyOrder)!);
  }

  private expireEarly(e: Held): void {
    e.done = true;
    this.earlyCount--;
    removeFrom(this.early, e);
    this.counters.loggedOnly++;
    this.opts.record(e.logged);
    if (this.stopped) return;
    // Remembered a while, so that its facts, if they still come, make no second row.
    const s: Held = { ...e, done: false, due: this.now() + this.completeWithinMs };
    push(this.settled, s.key, s);
    enqueue(this.settledOrder, s, this.orderLimit());
    this.settledCount++;
    if (this.settledCount > this.maxPending) this.forgetSettled(this.head(this.settledOrder)!);
  }

  private forgetSettled(s: Held): void {
    s.done = true;
    this.settledCount--;
    removeFrom(this.settled, s);
  }

  private answeredHead(): Answered | undefined {
    while (this.answeredOrder[0]?.done) this.answeredOrder.shift();
    return this.answeredOrder[0];
  }

  /** Forgets answers whose line is overdue (and the oldest beyond maxPending). */
  private expireAnswered(limit: number): void {
    while (this.answeredOrder.length > 0) {
      const first = this.answeredOrder[0]!;
      if (!first.done && first.due > limit && this.answeredCount <= this.maxPending) return;
      this.answeredOrder.shift();
      if (first.done) continue;
      first.done = true;
      this.answeredCount--;
      const queue = this.answered.get(first.key);
      if (queue) {
        const i = queue.indexOf(first);
        if (i >= 0) queue.splice(i, 1);
        if (queue.length === 0) this.answered.delete(first.key);
      }
    }
  }

  private tick(): void {
    this.timer = null;
    this.timerDue = Infinity;
    const now = this.now();
    for (let h = this.head(this.heldOrder); h && h.due <= now; h = this.head(this.heldOrder)) {
      this.releaseHeld(h);
    }
    for (let e = this.head(this.earlyOrder); e && e.due <= now; e = this.head(this.earlyOrder)) {
      this.expireEarly(e);
    }
    for (
      let s = this.head(this.settledOrder);
      s && s.due <= now;
      s = this.head(this.settledOrder)
    ) {
      this.forgetSettled(s);
    }
    this.expireAnswered(now);
    this.schedule();
  }

  /** One timer, for the earliest deadline of the four queues. */
  private schedule(): void {
    if (this.stopped) return;
    const due = Math.min(
      this.head(this.heldOrder)?.due ?? Infinity,
      this.head(this.earlyOrder)?.due ?? Infinity,
      this.answeredHead()?.due ?? Infinity,
      this.head(this.settledOrder)?.due ?? Infinity,
    );
    if (due === Infinity || due >= this.timerDue) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(() => this.tick(), Math.max(0, due - this.now()));
    this.timer.unref?.();
  }
}

/** The answer's facts, with what only the log line knows (view, ECS when dnstap had none). */
function withLogged(answer: QueryFacts, logged: QueryFacts): QueryFacts {
  if (logged.view === undefined && (logged.ecs === undefined || answer.ecs !== undefined)) {
    return answer;
  }
  return {
    ...answer,
    ...(logged.view !== undefined ? { view: logged.view } : {}),
    ...(answer.ecs === undefined && logged.ecs !== undefined ? { ecs: logged.ecs } : {}),
  };
}

/** Removes an entry from its key's queue (short: one key rarely holds more than one). */
function removeFrom(map: Map<string, Held[]>, h: Held): void {
  const queue = map.get(h.key);
  if (!queue) return;
  const i = queue.indexOf(h);
  if (i >= 0) queue.splice(i, 1);
  if (queue.length === 0) map.delete(h.key);
}
