import { priorityRank, type Priority } from '@hdns/protocol';
import {
  ALERT_SEVERITIES,
  type AlertMatch,
  type AlertRule,
  type AlertSeverity,
} from '@hdns/protocol/rest';
import type { LoggedEvent } from '@hdns/hub';

/** Most distinct group values (e.g. clients) one threshold rule keeps windows for. */
export const MAX_GROUPS_PER_RULE = 10_000;
/** Event times held per rule in all its groups: `count` may be 100,000, groups 10,000. */
export const MAX_TIMES_PER_RULE = 200_000;

/** The severity an event's data carries, if any (`severity`, or `level` on replication events). */
export function severityOf(event: LoggedEvent): AlertSeverity | null {
  const data = event.data;
  if (data === null || typeof data !== 'object') return null;
  const record = data as Record<string, unknown>;
  const value = record['severity'] ?? record['level'];
  return ALERT_SEVERITIES.find((s) => s === value) ?? null;
}

/** Critical for escalation: the event's priority or its data's severity says so. */
export function isCritical(event: LoggedEvent): boolean {
  return event.priority === 'critical' || severityOf(event) === 'critical';
}

/** Whether one event passes a rule's filter (thresholds aside). */
export function matchesFilter(match: AlertMatch, event: LoggedEvent): boolean {
  if (match.types && !match.types.includes(event.event)) return false;
  if (match.categories && !match.categories.includes(event.category)) return false;
  if (match.minPriority && !atLeastPriority(event.priority, match.minPriority)) return false;
  if (match.minSeverity) {
    const severity = severityOf(event);
    if (!severity) return false;
    if (ALERT_SEVERITIES.indexOf(severity) < ALERT_SEVERITIES.indexOf(match.minSeverity))
      return false;
  }
  if (match.zones && !(event.meta.zone && match.zones.includes(event.meta.zone))) return false;
  if (match.sources && !(event.meta.source && match.sources.includes(event.meta.source)))
    return false;
  return true;
}

function atLeastPriority(actual: Priority, min: Priority): boolean {
  return priorityRank(actual) <= priorityRank(min);
}

function groupValue(event: LoggedEvent, field: string | undefined): string {
  if (!field) return '';
  const data = event.data;
  if (data === null || typeof data !== 'object') return '';
  const value = (data as Record<string, unknown>)[field];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

interface RuleState {
  rule: AlertRule;
  /** Spec as JSON: a changed rule starts with empty windows. */
  key: string;
  /** Per group value: event times (ms) within the window, oldest first. */
  windows: Map<string, number[]>;
  /** Times held in all of `windows` (kept, not summed per event). */
  held: number;
}

/**
 * Decides which rules fire for each event. A rule without a threshold fires on every matching
 * event; one with `{count, windowSec}` fires on the event that makes `count` matching events
 * within the window (per `groupBy` value), then starts counting afresh, so a flood alerts once
 * per `count` events rather than on each. Memory is bounded: a window keeps at most `count`
 * times and a rule at most MAX_GROUPS_PER_RULE groups and MAX_TIMES_PER_RULE times in all (the
 * least recently seen groups go first).
 * Windows use the events' own times, so replaying after a restart counts as live did.
 */
export class RuleMatcher {
  private readonly states = new Map<string, RuleState>();

  /** Replaces the rule set; windows of unchanged rules are kept. */
  setRules(rules: readonly AlertRule[]): void {
    const seen = new Set<string>();
    for (const rule of rules) {
      if (!rule.enabled) continue;
      seen.add(rule.id);
      const key = JSON.stringify([rule.match, rule.threshold]);
      const state = this.states.get(rule.id);
      if (state && state.key === key) state.rule = rule;
      else this.states.set(rule.id, { rule, key, windows: new Map(), held: 0 });
    }
    for (const id of this.states.keys()) if (!seen.has(id)) this.states.delete(id);
  }

  /** The rules this event fires. */
  match(event: LoggedEvent): AlertRule[] {
    const fired: AlertRule[] = [];
    for (const state of this.states.values()) {
      if (!matchesFilter(state.rule.match, event)) continue;
      if (this.crosses(state, event)) fired.push(state.rule);
    }
    return fired;
  }

  /** How many event times are held in all windows (for tests of the memory bound). */
  heldTimes(): number {
    let n = 0;
    for (const s of this.states.values()) for (const w of s.windows.values()) n += w.length;
    return n;
  }

  private crosses(state: RuleState, event: LoggedEvent): boolean {
    const threshold = state.rule.threshold;
    if (!threshold) return true;
    const at = Date.parse(event.ts);
    const group = groupValue(event, threshold.groupBy);
    const times = state.windows.get(group) ?? [];
    // Re-inserting moves the group to the newest end, so eviction takes the least recent.
    state.windows.delete(group);
    state.held -= times.length;
    const from = at - threshold.windowSec * 1000;
    while (times.length > 0 && (times[0] ?? 0) <= from) times.shift();
    times.push(at);
    if (times.length >= threshold.count) return true;
    state.windows.set(group, times);
    state.held += times.length;
    while (state.windows.size > MAX_GROUPS_PER_RULE || state.held > MAX_TIMES_PER_RULE) {
      const [oldest, dropped] = state.windows.entries().next().value ?? [];
      if (oldest === undefined || dropped === undefined) break;
      state.windows.delete(oldest);
      state.held -= dropped.length;
    }
    return false;
  }
}
