/**
 * The per-event half of alert matching: does one logged event pass a rule's filter, and which
 * group (client, forwarder, node …) does it count in. Conditions over many events are in
 * rule-conditions.ts.
 */
import { priorityRank, type Priority } from '@hdns/protocol';
import {
  ALERT_SEVERITIES,
  type AlertMatch,
  type AlertSeverity,
  type AlertWhere,
} from '@hdns/protocol/rest';
import type { LoggedEvent } from '@hdns/hub';

function dataOf(event: LoggedEvent): Record<string, unknown> {
  const data = event.data;
  return data !== null && typeof data === 'object' ? data : {};
}

/** The severity an event's data carries, if any (`severity`, or `level` on replication events). */
export function severityOf(event: LoggedEvent): AlertSeverity | null {
  const record = dataOf(event);
  const value = record['severity'] ?? record['level'];
  return ALERT_SEVERITIES.find((s) => s === value) ?? null;
}

/** Critical for escalation: the event's priority or its data's severity says so. */
export function isCritical(event: LoggedEvent): boolean {
  return event.priority === 'critical' || severityOf(event) === 'critical';
}

/** A top-level data field as text (`true`, `42`, `SERVFAIL`); undefined for objects and absence. */
export function fieldText(event: LoggedEvent, field: string): string | undefined {
  if (!Object.hasOwn(dataOf(event), field)) return undefined;
  const value = dataOf(event)[field];
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : undefined;
}

/** Whether every field `where` names has one of its listed values. */
export function passesWhere(where: AlertWhere, event: LoggedEvent): boolean {
  for (const [field, values] of Object.entries(where)) {
    const value = fieldText(event, field);
    if (value === undefined || !values.includes(value)) return false;
  }
  return true;
}

/**
 * Whether one event passes a rule's filter (conditions aside). A query published first as
 * `partial` is matched only in its complete form (same `id`), so it counts once.
 */
export function matchesFilter(match: AlertMatch, event: LoggedEvent): boolean {
  if (dataOf(event)['partial'] === true) return false;
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
  if (match.nodes) {
    const node = fieldText(event, 'node');
    if (node === undefined || !match.nodes.includes(node)) return false;
  }
  if (match.where && !passesWhere(match.where, event)) return false;
  return true;
}

function atLeastPriority(actual: Priority, min: Priority): boolean {
  return priorityRank(actual) <= priorityRank(min);
}

/** The value an event counts under for `groupBy` ('' when the rule keeps no groups). */
export function groupOf(event: LoggedEvent, field: string | undefined): string {
  return field ? (fieldText(event, field) ?? '') : '';
}
