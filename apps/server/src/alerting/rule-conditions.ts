/**
 * The conditions a rule may put on its matching events (alert-schemas.ts): `count` (N events in
 * a window), `ratio` (a share of them above a bar, held for a time) and `held` (a state that
 * lasts). Each keeps its windows per `groupBy` value, using the events' own times, so reading
 * the log after a restart counts as live did.
 *
 * Memory is bounded per rule: at most MAX_GROUPS_PER_RULE groups and MAX_TIMES_PER_RULE held
 * values (event times, one-second buckets); past that the least recently seen groups go first.
 */
import type { LoggedEvent } from '@hdns/hub';
import type { AlertObservation, AlertThreshold } from '@hdns/protocol/rest';
import { groupOf, passesWhere } from './event-filter.js';
import { TimeQueue } from './time-queue.js';

/** Most distinct group values (e.g. clients) one rule keeps windows for. */
export const MAX_GROUPS_PER_RULE = 10_000;
/** Values held per rule in all its groups: `count` may be 100,000, groups 10,000. */
export const MAX_TIMES_PER_RULE = 200_000;

/** A rule fired: on `event` (for `held`, the event that began the state), having seen this. */
export interface Firing {
  event: LoggedEvent;
  observed: AlertObservation;
}

export interface Condition {
  /** Sees one event that passed the rule's filter, at `at` (ms); a firing if the rule fires. */
  see(event: LoggedEvent, at: number): Firing | null;
  /** Firings that time alone makes due at `now` (ms): a `held` state that lasted. */
  due(now: number): Firing[];
  /** Values held in all groups (for tests of the bound). */
  held(): number;
}

type Of<K extends AlertThreshold['kind']> = Extract<AlertThreshold, { kind: K }>;

/**
 * Groups in least-recently-seen order, with the values they hold counted: a group is taken out
 * (its weight leaves the total), updated, and put back at the newest end (its new weight joins),
 * and putting evicts the least recent ones while over a bound.
 */
class Groups<G> {
  readonly map = new Map<string, G>();
  private total = 0;

  constructor(private readonly weight: (g: G) => number) {}

  take(key: string): G | undefined {
    const g = this.map.get(key);
    if (g === undefined) return undefined;
    this.map.delete(key);
    this.total -= this.weight(g);
    return g;
  }

  put(key: string, g: G): void {
    this.map.set(key, g);
    this.total += this.weight(g);
    while (this.map.size > MAX_GROUPS_PER_RULE || this.total > MAX_TIMES_PER_RULE) {
      const oldest = this.map.keys().next();
      if (oldest.done === true) break;
      this.take(oldest.value);
    }
  }

  held(): number {
    return this.total;
  }
}

const groupField = (group: string, groupBy: string | undefined) => (groupBy ? { group } : {});

/** N matching events within the window, then counting afresh (a flood alerts once per N). */
class CountCondition implements Condition {
  private readonly groups = new Groups<TimeQueue>((q) => q.length);

  constructor(private readonly t: Of<'count'>) {}

  see(event: LoggedEvent, at: number): Firing | null {
    const group = groupOf(event, this.t.groupBy);
    const times = this.groups.take(group) ?? new TimeQueue();
    times.dropUpTo(at - this.t.windowSec * 1000);
    // Events of several instances may come slightly out of order: the queue stays ascending.
    times.push(Math.max(at, times.last() ?? at));
    if (times.length >= this.t.count) {
      return {
        event,
        observed: {
          kind: 'count',
          count: times.length,
          windowSec: this.t.windowSec,
          ...groupField(group, this.t.groupBy),
        },
      };
    }
    this.groups.put(group, times);
    return null;
  }

  due(): Firing[] {
    return [];
  }

  held(): number {
    return this.groups.held();
  }
}

interface RatioGroup {
  /** Seconds with events, ascending, and each one's counts. */
  secs: TimeQueue;
  bySec: Map<number, { events: number; hits: number }>;
  /** The newest second seen. */
  last: number;
  events: number;
  hits: number;
  /** When the share went above the bar (ms), null while below. */
  aboveSince: number | null;
  fired: boolean;
}

/** A share of the matching events above `abovePercent` over the window, lasting `forSec`. */
class RatioCondition implements Condition {
  private readonly groups = new Groups<RatioGroup>((g) => g.secs.length);

  constructor(private readonly t: Of<'ratio'>) {}

  see(event: LoggedEvent, at: number): Firing | null {
    const key = groupOf(event, this.t.groupBy);
    const g: RatioGroup = this.groups.take(key) ?? {
      secs: new TimeQueue(),
      bySec: new Map<number, { events: number; hits: number }>(),
      last: -Infinity,
      events: 0,
      hits: 0,
      aboveSince: null,
      fired: false,
    };
    // Events from several instances may come slightly out of order: never before the newest.
    const sec = Math.max(Math.floor(at / 1000), g.last);
    g.last = sec;
    while ((g.secs.first() ?? Infinity) <= sec - this.t.windowSec) {
      const old = g.secs.shift() ?? 0;
      const counts = g.bySec.get(old);
      g.bySec.delete(old);
      g.events -= counts?.events ?? 0;
      g.hits -= counts?.hits ?? 0;
    }
    // A window that emptied ends the episode: nothing was seen for a whole window.
    if (g.events === 0) {
      g.aboveSince = null;
      g.fired = false;
    }
    let bucket = g.bySec.get(sec);
    if (!bucket) {
      bucket = { events: 0, hits: 0 };
      g.bySec.set(sec, bucket);
      g.secs.push(sec);
    }
    const hit = passesWhere(this.t.when, event) ? 1 : 0;
    bucket.events += 1;
    bucket.hits += hit;
    g.events += 1;
    g.hits += hit;
    let firing: Firing | null = null;
    const percent = (g.hits * 100) / g.events;
    // Too few events to judge leaves the episode as it is (no flapping around minEvents).
    if (g.events < this.t.minEvents) {
      this.groups.put(key, g);
      return null;
    }
    if (percent > this.t.abovePercent) {
      g.aboveSince ??= at;
      if (!g.fired && at - g.aboveSince >= this.t.forSec * 1000) {
        g.fired = true;
        firing = {
          event,
          observed: {
            kind: 'ratio',
            percent: Math.round(percent * 10) / 10,
            hits: g.hits,
            events: g.events,
            windowSec: this.t.windowSec,
            heldSec: Math.round((at - g.aboveSince) / 100) / 10,
            ...groupField(key, this.t.groupBy),
          },
        };
      }
    } else {
      // Back under the bar: the episode is over, the next one alerts again.
      g.aboveSince = null;
      g.fired = false;
    }
    this.groups.put(key, g);
    return firing;
  }

  due(): Firing[] {
    return [];
  }

  held(): number {
    return this.groups.held();
  }
}

interface HeldGroup {
  since: number;
  event: LoggedEvent;
  fired: boolean;
}

/** A state (an event passing `when`) that no later event of its group ended for `forSec`. */
class HeldCondition implements Condition {
  private readonly groups = new Groups<HeldGroup>(() => 1);

  constructor(private readonly t: Of<'held'>) {}

  see(event: LoggedEvent, at: number): Firing | null {
    const key = groupOf(event, this.t.groupBy);
    const state = this.groups.take(key);
    // A matching event that fails `when` ends the state (the forwarder is up again).
    if (!passesWhere(this.t.when, event)) return null;
    const g = state ?? { since: at, event, fired: false };
    this.groups.put(key, g);
    return this.fire(key, g, at);
  }

  due(now: number): Firing[] {
    const firings: Firing[] = [];
    for (const [key, g] of this.groups.map) {
      const firing = this.fire(key, g, now);
      if (firing) firings.push(firing);
    }
    return firings;
  }

  private fire(key: string, g: HeldGroup, at: number): Firing | null {
    if (g.fired || at - g.since < this.t.forSec * 1000) return null;
    g.fired = true;
    return {
      event: g.event,
      observed: {
        kind: 'held',
        heldSec: Math.round((at - g.since) / 100) / 10,
        since: g.event.ts,
        ...groupField(key, this.t.groupBy),
      },
    };
  }

  held(): number {
    return this.groups.held();
  }
}

export function conditionFor(t: AlertThreshold): Condition {
  switch (t.kind) {
    case 'count':
      return new CountCondition(t);
    case 'ratio':
      return new RatioCondition(t);
    case 'held':
      return new HeldCondition(t);
  }
}
