/**
 * Payloads of the legacy replies that describe this hub's state (stats, connection status,
 * admin results). Their envelope and type names are defined in @hdns/protocol
 * (`legacyReplyMessage`, `LEGACY_REPLY_TYPES`); this file only fills in the data.
 */
import { NOTICE_CODES } from '@hdns/protocol';
import {
  LEGACY_MIGRATE_TO,
  LEGACY_MIGRATION_GUIDE,
  legacyReplyMessage as reply,
  type LegacyGeneration,
  type LegacyReply,
} from '@hdns/protocol/legacy';
import type { Rejection } from '../authorizer.js';
import type { ConnectionInfo } from '../connection-info.js';
import type { Session } from '../session.js';

const nowIso = (): string => new Date().toISOString();

/** Sent right after connection_established on every legacy connection. */
export function deprecationNotice(generation: LegacyGeneration): LegacyReply<'deprecation_notice'> {
  return reply('deprecation_notice', {
    code: NOTICE_CODES.LEGACY_PROTOCOL,
    level: 'warning',
    generation,
    message: `This WebSocket protocol (generation ${generation}) is deprecated and will be removed; use protocol v1 on /ws (see ${LEGACY_MIGRATION_GUIDE}).`,
    migrate_to: LEGACY_MIGRATE_TO,
  });
}

/** A v1 notice (level, code, message) in legacy clothing. */
export function legacyNotice(
  level: 'info' | 'warning',
  code: string,
  message: string,
): LegacyReply<'notice'> {
  return reply('notice', { level, code, message });
}

/** Legacy clients cannot refresh in-band: they are told to reconnect with a fresh token. */
export function tokenExpiringNotice(expiresAt: Date): LegacyReply<'token_expiring'> {
  return reply('token_expiring', {
    expires_at: expiresAt.toISOString(),
    in_ms: Math.max(0, expiresAt.getTime() - Date.now()),
    message: 'The access token expires soon; reconnect with a fresh token.',
  });
}

/** `errors` of subscription_updated: one readable line per rejected item. */
export function subscriptionErrors(rejected: readonly Rejection[]): string[] {
  return rejected.map((r) =>
    r.reason === 'unknown' ? `Unknown event type: ${r.item}` : `Not permitted: ${r.item}`,
  );
}

/** `get_stats`: this connection's own counters (no other user's data). */
export function statsReply(session: Session, connectionType: string | null): LegacyReply<'stats'> {
  return reply('stats', {
    connection_type: connectionType,
    subscribed_events: session.subscriptions,
    connected_at: new Date(session.connectedAt).toISOString(),
    messages_sent: session.counters.framesOut,
    messages_received: session.counters.framesIn,
    events_sent: session.counters.eventsOut,
    events_lost: session.counters.eventsLost,
  });
}

/** gen2 `get_connection_status`. */
export function connectionStatusReply(session: Session): LegacyReply<'connection_status'> {
  const identity = session.identity;
  return reply('connection_status', {
    connected: !session.isClosed,
    session_id: session.id,
    user_id: session.userId,
    username: identity?.username ?? '',
    is_admin: identity?.role === 'admin',
    connected_at: new Date(session.connectedAt).toISOString(),
    subscriptions: session.subscriptions,
    protocol: session.wire,
    messages_sent: session.counters.framesOut,
    messages_received: session.counters.framesIn,
  });
}

/** gen2 `health_check`: the socket path is alive (server health itself is a REST concern). */
export function healthCheckReply(): LegacyReply<'health_check_response'> {
  return reply('health_check_response', { status: 'healthy', server_time: nowIso() });
}

/** gen2 admin `get_connection_stats`. */
export function connectionStatsReply(
  stats: { connections: number; users: number },
  connections: readonly ConnectionInfo[],
): LegacyReply<'connection_stats'> {
  const byProtocol: Record<string, number> = {};
  for (const c of connections) byProtocol[c.protocol] = (byProtocol[c.protocol] ?? 0) + 1;
  return reply('connection_stats', {
    total_connections: stats.connections,
    unique_users: stats.users,
    connections_by_protocol: byProtocol,
    connections,
  });
}

/** gen2 admin `disconnect_user`. */
export function userDisconnectedReply(
  userId: string,
  closed: number,
): LegacyReply<'user_disconnected'> {
  return reply('user_disconnected', { user_id: userId, connections_closed: closed });
}

/** gen2 admin `broadcast_admin_message`: the admin_broadcast event was published. */
export function broadcastSentReply(
  broadcastId: string,
  seq: number,
): LegacyReply<'admin_message_sent'> {
  return reply('admin_message_sent', { broadcast_id: broadcastId, seq });
}
