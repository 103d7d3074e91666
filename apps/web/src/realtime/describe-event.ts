/**
 * One line of human text per event, for the bell, the toasts and the history. Works on live
 * frames and on stored events alike: both are typed by the catalogue, so the switch narrows
 * `data` and a new event type shows up here as a compile error until it is described.
 */
import type { EventDataOf, EventMeta, EventType } from '@hdns/protocol';
import { isRedacted } from '../format';
import { describeDetection } from './describe-detection';

export type EventLike = {
  [T in EventType]: { event: T; data: EventDataOf<T>; meta: EventMeta };
}[EventType];

const ip = (v: string | null | undefined): string =>
  v == null ? '' : isRedacted(v) ? '(redacted)' : v;

/** What a response-policy action did to the query: only some of them block it. */
const RPZ_VERB: Record<EventDataOf<'threat_detected'>['action'], string> = {
  nxdomain: 'Blocked',
  nodata: 'Blocked',
  drop: 'Dropped',
  passthru: 'Let through',
  redirect: 'Redirected',
  tcp_only: 'Sent to TCP',
};

export function describeEvent(e: EventLike): string {
  switch (e.event) {
    case 'zone_created':
      return `Zone ${e.data.zone} created`;
    case 'zone_updated':
      return `Zone ${e.data.zone} updated${e.data.changed?.length ? ` (${e.data.changed.join(', ')})` : ''}`;
    case 'zone_deleted':
      return `Zone ${e.data.zone} deleted`;
    case 'record_created':
      return `Record ${e.data.after.name} ${e.data.after.type} ${e.data.after.value} added to ${e.data.zone}`;
    case 'record_updated':
      return `Record ${e.data.after.name} ${e.data.after.type} in ${e.data.zone} changed to ${e.data.after.value}`;
    case 'record_deleted':
      return `Record ${e.data.before.name} ${e.data.before.type} removed from ${e.data.zone}`;
    case 'zone_transfer':
      return `${e.data.kind} of ${e.data.zone} ${e.data.direction === 'out' ? 'to' : 'from'} ${ip(e.data.peer)} ${e.data.success ? 'done' : 'failed'}${e.data.serial !== undefined ? ` (serial ${e.data.serial})` : ''}${!e.data.success && e.data.message ? `: ${e.data.message}` : ''}`;
    case 'zone_sync':
      return `Zone ${e.data.zone} ${e.data.drift ? 'drifted' : 'in sync'}: database ${e.data.dbSerial ?? '—'}, served ${e.data.servedSerial ?? '—'}`;
    case 'secondary_status':
      return `Secondary ${e.data.name} is ${e.data.state.replace('_', ' ')} (was ${e.data.previous.replace('_', ' ')})${e.data.laggingZones.length ? `: ${e.data.laggingZones.length} zone(s) behind` : ''}`;
    case 'bind_reload':
      return `BIND ${e.data.success ? 'reloaded' : 'failed to reload'} ${e.data.zone ?? 'configuration'}`;
    case 'dnssec_key_change':
      return `DNSSEC ${e.data.role.toUpperCase()} ${e.data.keyTag} of ${e.data.zone}: ${e.data.change.replace('_', ' ')}`;
    case 'bulk_operation_progress':
      return `${e.data.kind} ${Math.round(e.data.percent)}% (${e.data.processed}/${e.data.total})`;
    case 'bulk_operation_complete':
      return `${e.data.kind} ${e.data.status}: ${e.data.succeeded} ok, ${e.data.failed} failed`;
    case 'security_alert':
      return `${e.data.title}: ${e.data.message}`;
    case 'threat_detected':
      return e.data.detection
        ? describeDetection(e.data, e.data.detection)
        : `${RPZ_VERB[e.data.action]} ${e.data.qname} (${e.data.category}) for ${ip(e.data.clientIp)}`;
    case 'rpz_update':
      return e.data.action === 'bulk'
        ? `${e.data.count ?? 'Many'} RPZ rules changed`
        : `RPZ rule ${e.data.rule?.domain ?? e.data.ruleId ?? ''} ${e.data.action}`;
    case 'health_update':
      return `Forwarders ${e.data.overall} (${e.data.forwarders.length})`;
    case 'health_alert':
      return `${e.data.source}: ${e.data.message}`;
    case 'forwarder_status_change':
      return `Forwarder ${e.data.name} is ${e.data.to}${e.data.from ? ` (was ${e.data.from})` : ''}`;
    case 'system_status':
      return `System ${e.data.overall}`;
    case 'system_metrics':
      return `CPU ${Math.round(e.data.cpu.percent)}%, memory ${Math.round(e.data.memory.percent)}%`;
    case 'bind_status':
      return `BIND ${e.data.running ? 'running' : 'stopped'}`;
    case 'config_change':
      return `Setting ${e.data.scope}${e.data.key ? `.${e.data.key}` : ''} changed`;
    case 'admin_broadcast':
      return e.data.title ? `${e.data.title}: ${e.data.message}` : e.data.message;
    case 'dns_query_log':
      return `${ip(e.data.clientIp)} asked ${e.data.qname} ${e.data.qtype}`;
    case 'query_stats':
      return `${e.data.qps.toFixed(1)} queries/s over ${e.data.windowSec}s`;
    case 'user_login':
      return `${e.data.username} logged in`;
    case 'user_logout':
      return `${e.data.username} logged out`;
    case 'session_expired':
      return `Session of ${e.data.username} ended (${e.data.reason})`;
    case 'permission_changed':
      return `${e.data.username} is now ${e.data.after.role}`;
  }
}

/**
 * "alice", or '' for system events. Below admin the server hides usernames (as for user_login),
 * so a redacted actor reads "another user".
 */
export function actorOf(meta: EventMeta): string {
  const name = meta.actor?.username ?? '';
  return isRedacted(name) ? 'another user' : name;
}
