/**
 * Every non-event message a legacy wire sends, with when and what `data` holds: the list
 * docs/protocol.md prints, so the document names every type the legacy routes can send. Events
 * (`{type: <event>, …}`) are the catalogue's and are described with it.
 *
 * Every message has the legacy envelope `{type, data?, timestamp}`; `data` is snake_case.
 * Tests hold the builders (here and in the hub's legacy-replies.ts) to the `data` fields below.
 */
import type { LegacyGeneration, LegacyReplyType } from './legacy-server.js';

export interface LegacyMessageInfo {
  generations: readonly LegacyGeneration[];
  /** When the server sends it. */
  when: string;
  /** The keys of `data`, in order; empty when the message has no `data`. */
  data: readonly string[];
}

/** Every non-event message type a legacy route sends, JSON (the bare text `pong` aside). */
export type LegacyServerMessageType =
  | LegacyReplyType
  | 'connection_established'
  | 'subscription_updated'
  | 'heartbeat'
  | 'pong'
  | 'error'
  | 'validation_error';

const BOTH = [1, 2] as const;

export const LEGACY_SERVER_MESSAGES: Readonly<Record<LegacyServerMessageType, LegacyMessageInfo>> =
  {
    connection_established: {
      generations: BOTH,
      when: 'Once, when the connection is live. Generation 1: `connection_type`, `subscribed_events`; generation 2: the user and its subscriptions.',
      data: [
        'connection_type',
        'subscribed_events',
        'user_id',
        'username',
        'is_admin',
        'subscriptions',
        'connected_at',
      ],
    },
    deprecation_notice: {
      generations: BOTH,
      when: 'Right after `connection_established` when HDNS_LEGACY is `warn` (the default); `code` is the notice code `legacy_protocol`, `message` names the migration guide, `migrate_to` the v1 route.',
      data: ['code', 'level', 'generation', 'message', 'migrate_to'],
    },
    subscription_updated: {
      generations: BOTH,
      when: 'After every subscription change, and in answer to `get_subscription_info` (generation 2). `errors` has one line per refused item.',
      data: ['subscriptions', 'updated_at', 'errors'],
    },
    pong: {
      generations: BOTH,
      when: 'In answer to `ping`. Generation 1 answers the bare text `ping` with the bare text `pong` (no JSON).',
      data: [],
    },
    heartbeat: { generations: [2], when: 'On every heartbeat interval.', data: [] },
    error: {
      generations: BOTH,
      when: 'A message that cannot be served (unknown type, not allowed, rate limited, too large …), `code` from the error catalogue; also the one message before the close `TOKEN_REQUIRED`.',
      data: ['code', 'message'],
    },
    validation_error: {
      generations: BOTH,
      when: 'A message that does not match its schema.',
      data: ['message', 'errors'],
    },
    token_expiring: {
      generations: BOTH,
      when: 'Shortly before the token expires: legacy clients cannot refresh in-band, so they are told to reconnect with a fresh token.',
      data: ['expires_at', 'in_ms', 'message'],
    },
    notice: {
      generations: BOTH,
      when: 'A v1 `notice` (same `code` values) in the legacy envelope: `server_shutdown` right before the close when the server shuts down or restarts.',
      data: ['level', 'code', 'message'],
    },
    stats: {
      generations: BOTH,
      when: "In answer to `get_stats`: this connection's own counters.",
      data: [
        'connection_type',
        'subscribed_events',
        'connected_at',
        'messages_sent',
        'messages_received',
        'events_sent',
        'events_lost',
      ],
    },
    connection_status: {
      generations: [2],
      when: 'In answer to `get_connection_status`.',
      data: [
        'connected',
        'session_id',
        'user_id',
        'username',
        'is_admin',
        'connected_at',
        'subscriptions',
        'protocol',
        'messages_sent',
        'messages_received',
      ],
    },
    health_check_response: {
      generations: [2],
      when: 'In answer to `health_check` (the socket path is alive).',
      data: ['status', 'server_time'],
    },
    connection_stats: {
      generations: [2],
      when: 'In answer to `get_connection_stats` (admins).',
      data: ['total_connections', 'unique_users', 'connections_by_protocol', 'connections'],
    },
    user_disconnected: {
      generations: [2],
      when: 'In answer to `disconnect_user` (admins).',
      data: ['user_id', 'connections_closed'],
    },
    admin_message_sent: {
      generations: [2],
      when: 'In answer to `broadcast_admin_message` (admins): the `admin_broadcast` event was published.',
      data: ['broadcast_id', 'seq'],
    },
  };

/** Every non-event message type a legacy wire sends. */
export const LEGACY_SERVER_MESSAGE_TYPES = Object.keys(
  LEGACY_SERVER_MESSAGES,
) as LegacyServerMessageType[];
