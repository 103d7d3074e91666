/**
 * One readable line per event, like `tail -f`:
 *
 *   2026-11-22T12:34:05Z zone_created example.com (primary) by admin
 *   2026-11-22T12:34:09Z record_updated www.example.com A 192.0.2.10 → 192.0.2.20 by alice
 *
 * Contract: `<UTC time to the second>Z <event type> <summary>[ by <actor>]`, always one line
 * (control characters in payload strings are replaced, long lines are cut). Types without a
 * summary below, and payloads that do not match the catalogue schema, get the generic one: the
 * payload's scalar fields as `key=value`. Values the
 * server redacted for this reader are printed as the server sent them (`[redacted]`).
 */
import {
  parseEventData,
  type EventDataOf,
  type EventFrameUnion,
  type EventType,
} from '@hdns/protocol';
import type { StoredEvent } from '@hdns/protocol/rest';

/** A live event frame or one from the history (GET /api/events): the fields printed are common. */
type PrintedEvent = EventFrameUnion | StoredEvent;

export const MAX_LINE = 400;

type Summaries = { [T in EventType]?: (data: EventDataOf<T>) => string };

const rr = (r: { name: string; type: string; value: string }): string =>
  `${r.name} ${r.type} ${r.value}`;

/**
 * A detector's finding (NXDOMAIN flood, random subdomains): nothing was rewritten, so it is not
 * printed like an RPZ block.
 */
function detection(
  clientIp: string,
  qname: string,
  d: NonNullable<EventDataOf<'threat_detected'>['detection']>,
): string {
  const per = (unit: string) =>
    d.windowSec === 60 ? `${d.count}${unit}/min` : `${d.count}${unit} in ${d.windowSec} s`;
  const tail = ` (threshold ${d.threshold})`;
  if (d.kind === 'nxdomain_flood')
    return `[${d.severity}] NXDOMAIN flood from ${clientIp}: ${per('')}${tail}`;
  const clients = d.clients?.length ? ` clients=${d.clients.map((c) => c.ip).join(',')}` : '';
  return `[${d.severity}] Random subdomains under ${d.baseDomain ?? qname}: ${per(' names')}${tail}${clients}`;
}

const SUMMARIES: Summaries = {
  zone_created: (d) => `${d.zone} (${d.after.type})`,
  zone_updated: (d) => `${d.zone}${d.changed?.length ? ` changed ${d.changed.join(',')}` : ''}`,
  zone_deleted: (d) => d.zone,
  record_created: (d) => `${d.zone}: ${rr(d.after)}${serial(d.serial)}`,
  record_updated: (d) =>
    `${d.zone}: ${rr(d.before)} → ${d.after.type === d.before.type ? d.after.value : rr(d.after)}${serial(d.serial)}`,
  record_deleted: (d) => `${d.zone}: ${rr(d.before)}${serial(d.serial)}`,
  bind_reload: (d) =>
    `${d.zone ?? 'all zones'} ${d.success ? 'ok' : 'FAILED'} (${d.trigger})${d.message ? `: ${d.message}` : ''}`,
  bulk_operation_progress: (d) =>
    `${d.kind} ${d.jobId} ${d.processed}/${d.total} (${Math.round(d.percent)}%, ${d.failed} failed)`,
  bulk_operation_complete: (d) =>
    `${d.kind} ${d.jobId} ${d.status}: ${d.succeeded} ok, ${d.failed} failed in ${d.durationMs} ms`,
  security_alert: (d) =>
    `[${d.severity}] ${d.title}: ${d.message}${d.clientIp ? ` client=${d.clientIp}` : ''}`,
  threat_detected: (d) =>
    d.detection
      ? detection(d.clientIp, d.qname, d.detection)
      : `${d.clientIp} ${d.qname} ${d.qtype} → ${d.action} (${d.category}, rule ${d.rule})`,
  rpz_update: (d) =>
    d.action === 'bulk'
      ? `bulk change of ${d.count ?? '?'} rules`
      : `${d.action} ${d.rule ? `${d.rule.domain} → ${d.rule.action}` : (d.ruleId ?? '')}`,
  health_update: (d) =>
    `${d.overall}: ${d.forwarders.map((f) => `${f.name}=${f.status}`).join(' ') || 'no forwarders'}`,
  health_alert: (d) =>
    `[${d.severity}] ${d.source}: ${d.message}${d.resolved ? ' (resolved)' : ''}`,
  forwarder_status_change: (d) =>
    `${d.name} (${d.address}) ${d.from ?? 'new'} → ${d.to}${d.reason ? `: ${d.reason}` : ''}`,
  system_status: (d) =>
    `${d.overall} v${d.version} up ${d.uptimeSec}s ${d.components.map((c) => `${c.name}=${c.status}`).join(' ')}`,
  system_metrics: (d) =>
    `cpu ${d.cpu.percent.toFixed(1)}% mem ${d.memory.percent.toFixed(1)}% disk ${d.disk.percent.toFixed(1)}% load ${d.cpu.load1}`,
  bind_status: (d) =>
    `${d.running ? 'running' : 'STOPPED'} ${d.version ?? ''} ${d.zonesLoaded} zones ${d.qps} qps`,
  config_change: (d) =>
    `${d.scope}${d.key ? `.${d.key}` : ''}: ${d.before ?? '∅'} → ${d.after ?? '∅'}`,
  admin_broadcast: (d) => `[${d.level}] ${d.title ? `${d.title}: ` : ''}${d.message}`,
  dns_query_log: (d) =>
    `${d.clientIp} ${d.qname} ${d.qtype} ${d.flags}${d.blocked ? ' BLOCKED' : ''}`,
  query_stats: (d) =>
    `${d.windowSec}s window: ${d.qps} qps, ${d.total} queries${d.blocked !== undefined ? `, ${d.blocked} blocked` : ''}`,
  user_login: (d) => `${d.username}${d.ip ? ` from ${d.ip}` : ''}`,
  user_logout: (d) => `${d.username}${d.ip ? ` from ${d.ip}` : ''}`,
  session_expired: (d) => `${d.username}${d.reason ? ` (${d.reason})` : ''}`,
  permission_changed: (d) =>
    `${d.username}: ${d.before.role} → ${d.after.role}${d.after.zones ? ` zones ${d.after.zones.join(',')}` : ''}`,
};

export function formatEvent(event: PrintedEvent): string {
  const actor = event.meta.actor?.username;
  const line = `${utcSecond(event.ts)} ${event.event} ${summarize(event)}${actor ? ` by ${actor}` : ''}`;
  return oneLine(line);
}

export function summarize(event: PrintedEvent): string {
  const summary = SUMMARIES[event.event] as ((data: unknown) => string) | undefined;
  // Summaries trust the catalogue's payload shape; a payload that does not match it (a newer or
  // older server) gets the generic line instead of "undefined" fields.
  const parsed = summary ? parseEventData(event.event, event.data) : undefined;
  return summary && parsed?.ok ? summary(parsed.data) : genericSummary(event.data);
}

/** Scalar top-level fields as `key=value`; nested objects and arrays are left out. */
export function genericSummary(data: unknown): string {
  if (typeof data !== 'object' || data === null) return String(data);
  const parts: string[] = [];
  for (const [key, value] of Object.entries(data)) {
    if (value === null || typeof value === 'object') continue;
    parts.push(`${key}=${String(value)}`);
  }
  return parts.join(' ');
}

/** `2026-11-22T12:34:05.123Z` → `2026-11-22T12:34:05Z`; other strings as they are. */
export function utcSecond(ts: string): string {
  const d = new Date(ts);
  return Number.isNaN(d.getTime()) ? ts : `${d.toISOString().slice(0, 19)}Z`;
}

export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
  return clean.length > MAX_LINE ? `${clean.slice(0, MAX_LINE - 1)}…` : clean;
}

function serial(value: number | undefined): string {
  return value === undefined ? '' : ` (serial ${value})`;
}
