import type { LoggedEvent } from '@hdns/hub';
import type { AlertObservation, AlertRule } from '@hdns/protocol/rest';
import { matchesFilter } from './event-filter.js';
import { conditionFor, type Condition } from './rule-conditions.js';

export { MAX_GROUPS_PER_RULE, MAX_TIMES_PER_RULE } from './rule-conditions.js';

/** How far ahead of this server's clock an event's time is believed. */
const MAX_CLOCK_AHEAD_MS = 5_000;

/** A rule that fired, on which event, and what its condition saw (none for plain rules). */
export interface RuleFiring {
  rule: AlertRule;
  event: LoggedEvent;
  observed?: AlertObservation;
}

interface RuleState {
  rule: AlertRule;
  /** Filter and condition as JSON: a changed rule starts with empty windows. */
  key: string;
  condition: Condition | null;
}

/**
 * Decides which rules fire. A rule without a condition fires on every event passing its filter;
 * one with a condition (rule-conditions.ts) fires when the condition says so: on an event
 * (`match`), or, for a state that lasted, as time passes (`due`, called on every poll).
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
      else {
        const condition = rule.threshold ? conditionFor(rule.threshold) : null;
        this.states.set(rule.id, { rule, key, condition });
      }
    }
    for (const id of this.states.keys()) if (!seen.has(id)) this.states.delete(id);
  }

  /** The rules this event fires. */
  match(event: LoggedEvent): RuleFiring[] {
    const fired: RuleFiring[] = [];
    // A clock far ahead on some node must not pin windows in the future.
    const at = Math.min(Date.parse(event.ts), Date.now() + MAX_CLOCK_AHEAD_MS);
    for (const { rule, condition } of this.states.values()) {
      if (!matchesFilter(rule.match, event)) continue;
      if (!condition) {
        fired.push({ rule, event });
        continue;
      }
      const firing = condition.see(event, at);
      if (firing) fired.push({ rule, ...firing });
    }
    return fired;
  }

  /** The rules that time made fire by `now` (ms). */
  due(now: number): RuleFiring[] {
    const fired: RuleFiring[] = [];
    for (const { rule, condition } of this.states.values()) {
      for (const firing of condition?.due(now) ?? []) fired.push({ rule, ...firing });
    }
    return fired;
  }

  /** Values held in all windows (for tests of the memory bound). */
  heldTimes(): number {
    let n = 0;
    for (const s of this.states.values()) n += s.condition?.held() ?? 0;
    return n;
  }
}
