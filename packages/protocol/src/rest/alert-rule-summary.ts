/**
 * An alert rule in a few words, the same in the dashboard, the CLI and notifications:
 * "dns_query_log: rcode SERVFAIL above 5 % over 60 s for 120 s".
 */
import type {
  AlertMatch,
  AlertObservation,
  AlertRule,
  AlertThreshold,
  AlertWhere,
} from './alert-schemas.js';

/** `rcode SERVFAIL|REFUSED, blocked true`. */
export function describeWhere(where: AlertWhere): string {
  return Object.entries(where)
    .map(([field, values]) => `${field} ${values.join('|')}`)
    .join(', ');
}

/** What a rule's filter lets through: "dns_query_log, zone example.com" or "every event". */
export function describeMatch(match: AlertMatch): string {
  const parts = [
    ...(match.types ?? []),
    ...(match.categories ?? []).map((c) => `category ${c}`),
    ...(match.minPriority ? [`priority ≥ ${match.minPriority}`] : []),
    ...(match.minSeverity ? [`severity ≥ ${match.minSeverity}`] : []),
    ...(match.zones ?? []).map((z) => `zone ${z}`),
    ...(match.sources ?? []).map((s) => `source ${s}`),
    ...(match.nodes ?? []).map((n) => `node ${n}`),
    ...(match.where ? [describeWhere(match.where)] : []),
  ];
  return parts.length > 0 ? parts.join(', ') : 'every event';
}

/** The condition: "21 in 60 s per clientIp", "to down held 60 s per forwarderId" … */
export function describeThreshold(t: AlertThreshold): string {
  const per = t.groupBy ? ` per ${t.groupBy}` : '';
  switch (t.kind) {
    case 'count':
      return `${t.count} in ${t.windowSec} s${per}`;
    case 'ratio':
      return (
        `${describeWhere(t.when)} above ${t.abovePercent} % over ${t.windowSec} s` +
        (t.forSec > 0 ? ` for ${t.forSec} s` : '') +
        per
      );
    case 'held':
      return `${describeWhere(t.when)} held ${t.forSec} s${per}`;
  }
}

export function describeAlertRule(rule: Pick<AlertRule, 'match' | 'threshold'>): string {
  const what = describeMatch(rule.match);
  return rule.threshold ? `${what}: ${describeThreshold(rule.threshold)}` : what;
}

/** What a condition saw: "7.3 % of 1200 events over 60 s, for 121 s", "held 60 s (client x)". */
export function describeObservation(o: AlertObservation): string {
  const group = o.group !== undefined ? ` (${o.group})` : '';
  switch (o.kind) {
    case 'count':
      return `${o.count} events in ${o.windowSec} s${group}`;
    case 'ratio':
      return (
        `${o.percent} % of ${o.events} events over ${o.windowSec} s` +
        (o.heldSec > 0 ? `, for ${o.heldSec} s` : '') +
        group
      );
    case 'held':
      return `held ${o.heldSec} s since ${o.since}${group}`;
  }
}
