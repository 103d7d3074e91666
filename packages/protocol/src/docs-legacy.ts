/**
 * The "Legacy protocols" section of docs/protocol.md, generated from packages/protocol/src/legacy
 * so the document lists what the legacy wires really accept and send.
 */
import type { EventType } from './catalogue.js';
import { code, table } from './docs-markdown.js';
import { EXAMPLE_EVENTS } from './examples.js';
import {
  LEGACY_CLIENT_MESSAGE_TYPES,
  LEGACY_CLOSE,
  LEGACY_CONNECTION_MIN_ROLE,
  LEGACY_CONNECTION_TYPES,
  LEGACY_DERIVED_EVENTS,
  LEGACY_MIGRATION_GUIDE,
  LEGACY_OWN_USER_EVENTS,
  LEGACY_SERVER_MESSAGES,
  LEGACY_SERVER_MESSAGE_TYPES,
  legacyPreset,
  toLegacyEventData,
} from './legacy/index.js';

/** The fields a legacy client gets beside the catalogue's, read off the example payload. */
function derivedFields(type: EventType): string[] {
  const example = EXAMPLE_EVENTS[type] as object;
  const legacy = toLegacyEventData(type, example) as object;
  return Object.keys(legacy).filter((k) => !(k in example));
}

function generations(g: readonly number[]): string {
  return g.length === 2 ? '1, 2' : String(g[0]);
}

export function renderLegacy(): string {
  const close = (c: { code: number; reason: string }) => `${c.code} "${c.reason}"`;
  return [
    '## Legacy protocols',
    '',
    `Both earlier protocols are accepted during the migration and translated at the edge into the same session model (roles, zone grants, redaction and rate limits apply as on v1). They are counted in a metric. Legacy clients cannot read v1 frames, so they only ever get legacy-shaped messages: in \`warn\` mode each connection gets a \`deprecation_notice\` (below) whose \`code\` is the notice code \`legacy_protocol\`, and the notices the hub addresses to every connection (\`server_shutdown\`) come as a legacy \`notice\`. Legacy routes take \`?token=\` in the URL; v1 never does. \`HDNS_LEGACY\` (\`on\`, \`warn\`, \`off\`) decides whether they are accepted; the migration guide, [${code(LEGACY_MIGRATION_GUIDE)}](legacy-migration.md), maps each legacy frame and handler to v1 and the client SDK, and shows how to find who still uses them.`,
    '',
    '### Routes',
    '',
    table(
      ['URL', 'generation', 'used by'],
      [
        ['`/ws?token=…`', '2', 'the generation-2 protocol as documented'],
        ['`/api/websocket/ws?token=…`', '2', "the old frontend's UnifiedWebSocketService"],
        [
          '`/ws/{connection_type}/{user_id}[?token=…]`',
          '1',
          "the old frontend's websocketService (no token)",
        ],
        [
          '`/api/websocket/ws/{connection_type}?token=…`',
          '1',
          "the old dashboard's WebSocketProvider (type `admin` for every user)",
        ],
      ],
    ),
    '',
    "`{user_id}` must be the authenticated user's id, or the literal `current-user` (what the old dashboard's pages pass); another id closes 1008. A token that does not verify closes " +
      `${close(LEGACY_CLOSE.AUTH_FAILED)}. A legacy URL without a token (the old per-type backend took none) is authenticated by the dashboard's login session when the request carries it and an Origin that passes the Origin check. The session reaches these URLs as the cookie \`hdns_ws_session\` (HttpOnly, SameSite=Strict, Path \`/\`, Secure like the refresh cookie), set and cleared with the refresh cookie at login, refresh and logout: it only names the login session, signed by the server, and has no power of its own (it cannot refresh or call the API); it stops working when the session ends, and ending the session closes the sockets it opened. The refresh cookie itself stays scoped to \`/api/auth\`. Without a live session the socket opens, receives one \`error\` (code \`UNAUTHORIZED\`, naming the migration guide) and closes ${close(LEGACY_CLOSE.TOKEN_REQUIRED)}, on which both old frontends stop reconnecting.`,
    '',
    '### Generation 1: one socket per connection type',
    '',
    'Each connection type subscribes to a preset, narrowed to what the role may receive (a non-admin on `admin` gets every event its role allows).',
    '',
    table(
      ['connection type', 'least role', 'default events'],
      LEGACY_CONNECTION_TYPES.map((t) => [
        code(t),
        LEGACY_CONNECTION_MIN_ROLE[t],
        t === 'admin' ? 'every event type' : legacyPreset(t).map(code).join(', '),
      ]),
    ),
    '',
    'Events are sent as `{"type": <event>, "data": {…}, "timestamp": ISO, "severity", "category", "event_id"}`, as the old backend sent them: `severity` is the payload\'s `severity` when it has one, else `info` (the old dashboard raises its critical toast and filters notifications on it); `event_id` is the v1 event id.',
    '',
    '### Generation 2: the first unified socket',
    '',
    'Starts with the role\'s default subscriptions. Events are sent as `{"id", "type", "data", "timestamp", "priority", "metadata"}`; `metadata` carries `seq`, `category`, the v1 `meta` fields, `user_id` and `username` of the actor.',
    '',
    '### Client messages',
    '',
    `Accepted types: ${LEGACY_CLIENT_MESSAGE_TYPES.map(code).join(', ')}. Subscription changes name their event types in \`{"data": {"event_types": […]}}\`, or at the top level as \`"event_types": […]\` (the old UnifiedWebSocketService) or \`"events": […]\` (the old websocketService); both generations accept \`subscribe\`/\`unsubscribe\` and \`subscribe_events\`/\`unsubscribe_events\`. \`subscribe_category\` carries \`{"data": {"category": …}}\`. Generation 1 also answers the bare text \`ping\` (not JSON: what the earliest dashboard's HealthMonitoringContext sent every 30 s) with the bare text \`pong\`, as the old backend did. Generation 1 answers only \`ping\`, \`pong\`, the subscription messages and \`get_stats\`; the rest, and admin messages from other roles, get an \`error\`. Messages the old frontends sent for features that no longer exist (\`emit_event\`, \`get_recent_events\`, the replay messages) get an \`error\` with code \`UNKNOWN_FRAME_TYPE\`.`,
    '',
    table(
      ['legacy', 'v1 equivalent'],
      [
        ['`subscribe_events`, `subscribe`', '`subscribe` frame (items = event_types)'],
        ['`unsubscribe_events`, `unsubscribe`', '`unsubscribe` frame'],
        ['`subscribe_category`', '`subscribe` with the category as item'],
        ['`get_subscription_info`', '`subscribed` frame (answered as `subscription_updated`)'],
        ['`ping` / `pong` / `heartbeat`', '`ping` / `pong` frames'],
        [
          '`get_connection_status`, `health_check`, `get_stats`',
          'REST `/api` status and stats endpoints',
        ],
        ['`get_connection_stats`, `disconnect_user`', 'admin REST endpoints (close code KICKED)'],
        ['`broadcast_admin_message`', '`admin_broadcast` event'],
      ],
    ),
    '',
    '### Server messages',
    '',
    'Every message a legacy route sends besides events, each with `timestamp`:',
    '',
    table(
      ['type', 'generation', 'when', '`data`'],
      LEGACY_SERVER_MESSAGE_TYPES.map((t) => {
        const info = LEGACY_SERVER_MESSAGES[t];
        return [
          code(t),
          generations(info.generations),
          info.when,
          info.data.length ? info.data.map(code).join(', ') : '(none)',
        ];
      }),
    ),
    '',
    '### Event payloads',
    '',
    "Legacy events carry the catalogue's `data` unchanged, plus the flat fields the old UI read (a catalogue field of the same name wins):",
    '',
    table(
      ['event', 'added fields'],
      LEGACY_DERIVED_EVENTS.map((t) => [code(t), derivedFields(t).map(code).join(', ')]),
    ),
    '',
    `Non-admins never receive \`user_login\`, \`user_logout\` or \`session_expired\` (their least role is admin). ${LEGACY_OWN_USER_EVENTS.map(code).join(', ')} reaches a legacy client only about its own user: the old frontends log out on any they receive.`,
  ].join('\n');
}
