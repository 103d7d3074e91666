import { randomUUID } from 'node:crypto';
import type { EventDataOf } from '@hdns/protocol';
import type { LegacyClientMessage, LegacyReply } from '@hdns/protocol/legacy';
import type { Session } from '../session.js';
import {
  broadcastSentReply,
  connectionStatsReply,
  userDisconnectedReply,
} from './legacy-replies.js';
import type { LegacyHost } from './legacy-wire.js';

/** The generation-2 messages only admins may send. */
export type LegacyAdminMessage = Extract<
  LegacyClientMessage,
  { type: 'get_connection_stats' | 'disconnect_user' | 'broadcast_admin_message' }
>;

const ADMIN_TYPES: ReadonlySet<string> = new Set<LegacyAdminMessage['type']>([
  'get_connection_stats',
  'disconnect_user',
  'broadcast_admin_message',
]);

export function isLegacyAdminMessage(m: LegacyClientMessage): m is LegacyAdminMessage {
  return ADMIN_TYPES.has(m.type);
}

type BroadcastLevel = EventDataOf<'admin_broadcast'>['level'];

/**
 * The old message had a free-form `level` and/or `priority`; the admin_broadcast event knows
 * three levels. Unknown values fall back to `info`.
 */
export function broadcastLevel(data: { level?: string; priority?: string }): BroadcastLevel {
  const level = data.level?.toLowerCase();
  if (level === 'info' || level === 'warning' || level === 'critical') return level;
  if (level === 'error') return 'critical';
  const priority = data.priority?.toLowerCase();
  if (priority === 'critical' || priority === 'urgent') return 'critical';
  if (priority === 'high') return 'warning';
  return 'info';
}

/**
 * Runs one admin request for `session` (whose role the caller has checked) and returns the
 * reply. Mirrors the admin REST endpoints: disconnect closes with KICKED, a broadcast is an
 * `admin_broadcast` event that v1 and legacy clients alike receive, with the admin as actor.
 */
export async function runLegacyAdmin(
  host: LegacyHost,
  session: Session,
  message: LegacyAdminMessage,
): Promise<LegacyReply> {
  switch (message.type) {
    case 'get_connection_stats':
      return connectionStatsReply(await host.stats(), await host.clusterConnections());
    case 'disconnect_user': {
      const userId = String(message.data.user_id);
      const closed = await host.disconnectUserEverywhere(userId, message.data.reason);
      return userDisconnectedReply(userId, closed);
    }
    case 'broadcast_admin_message': {
      const identity = session.identity;
      const broadcastId = randomUUID();
      const logged = await host.publish(
        'admin_broadcast',
        {
          broadcastId,
          level: broadcastLevel(message.data),
          ...(message.data.title !== undefined ? { title: message.data.title } : {}),
          message: message.data.message,
        },
        {
          actor: identity ? { id: identity.userId, username: identity.username } : null,
          source: 'legacy-ws',
        },
      );
      return broadcastSentReply(broadcastId, logged.seq);
    }
  }
}
