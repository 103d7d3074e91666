/**
 * One valid example of every frame kind, fixed values only. Used for the round-trip tests, the
 * generated docs, and as fixtures by other packages' tests.
 */
import { EXAMPLE_EVENTS } from './examples.js';
import type { ClientFrame, ClientFrameType } from './frames-client.js';
import type { EventFrame, ServerFrame, ServerFrameType } from './frames-server.js';
import { PROTOCOL_VERSION } from './version.js';

const TS = '2025-01-15T10:30:00.000Z';
const EXPIRES = '2025-01-15T10:45:00.000Z';

export const EXAMPLE_EVENT_FRAME: EventFrame<'record_updated'> = {
  type: 'event',
  id: '0f8e7c2a-4d1b-4a7e-9c3f-2b6d8e1a5c70',
  seq: 1042,
  event: 'record_updated',
  category: 'dns',
  priority: 'normal',
  ts: TS,
  data: EXAMPLE_EVENTS.record_updated,
  meta: { actor: { id: 'usr_1', username: 'admin' }, zone: 'example.com', source: 'api' },
};

const QUERY_FRAME: EventFrame<'dns_query_log'> = {
  type: 'event',
  id: '6a1c9e0b-3f2d-4b8a-8e7f-1d2c3b4a5e6f',
  seq: 1043,
  event: 'dns_query_log',
  category: 'query',
  priority: 'low',
  ts: TS,
  data: { ...EXAMPLE_EVENTS.dns_query_log, clientIp: '[redacted]' },
  meta: { actor: null, source: 'query_log', redacted: ['clientIp'] },
};

type ClientExamples = { readonly [K in ClientFrameType]: Extract<ClientFrame, { type: K }> };
type ServerExamples = { readonly [K in ServerFrameType]: Extract<ServerFrame, { type: K }> };

export const EXAMPLE_CLIENT_FRAMES: ClientExamples = {
  hello: {
    type: 'hello',
    id: 'h1',
    protocol: PROTOCOL_VERSION,
    token: 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1c3JfMSJ9.sig',
    resume: { epoch: 'ep_2025a', seq: 1041 },
    subscribe: ['dns', 'health_update'],
    client: { name: 'dashboard', version: '0.1.0', instanceId: 'browser-3f9c' },
  },
  auth: { type: 'auth', id: 'a7', token: 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1c3JfMSJ9.sig2' },
  subscribe: { type: 'subscribe', id: 's2', items: ['security', 'query_stats'] },
  unsubscribe: { type: 'unsubscribe', id: 's3', items: ['query_stats'] },
  ack: { type: 'ack', id: 'k1', upToSeq: 1042 },
  ping: { type: 'ping', id: 'p9' },
  pong: { type: 'pong', ts: 1736937000000 },
};

export const EXAMPLE_SERVER_FRAMES: ServerExamples = {
  welcome: {
    type: 'welcome',
    id: 'h1',
    protocol: PROTOCOL_VERSION,
    sessionId: 'ses_5b2e',
    user: { id: 'usr_1', username: 'admin', role: 'admin', zones: null },
    subscriptions: ['dns', 'health_update'],
    rejected: [],
    heartbeatMs: 25000,
    position: { epoch: 'ep_2025a', seq: 1042 },
    resume: { requested: true, ok: true, replayed: 1 },
    tokenExpiresAt: EXPIRES,
    limits: { maxFrameBytes: 65536, ratePerSec: 20, burst: 40 },
  },
  subscribed: {
    type: 'subscribed',
    id: 's2',
    subscriptions: ['dns', 'health_update', 'security', 'query_stats'],
    rejected: [{ item: 'user_login', reason: 'forbidden' }],
  },
  event: EXAMPLE_EVENT_FRAME,
  batch: { type: 'batch', through: 1043, events: [EXAMPLE_EVENT_FRAME, QUERY_FRAME] },
  authed: { type: 'authed', id: 'a7', tokenExpiresAt: EXPIRES },
  acked: { type: 'acked', id: 'k1', upToSeq: 1042, count: 2 },
  token_expiring: { type: 'token_expiring', expiresAt: EXPIRES, inMs: 60000 },
  gap: { type: 'gap', fromSeq: 980, toSeq: 1010, count: 17, reason: 'shed' },
  notice: {
    type: 'notice',
    level: 'warning',
    code: 'server_shutdown',
    message: 'The server is shutting down or restarting: reconnect and resume.',
  },
  ping: { type: 'ping', ts: 1736937000000 },
  pong: { type: 'pong', id: 'p9', ts: 1736937000012 },
  error: {
    type: 'error',
    id: 's2',
    code: 'UNKNOWN_EVENT_TYPE',
    message: 'Unknown event type or category',
    details: { items: ['zone_renamed'] },
  },
};
