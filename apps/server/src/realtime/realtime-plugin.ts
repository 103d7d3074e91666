import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { WebSocketServer } from 'ws';
import { Hub, IpAdmission, wsCompression, type EventLog } from '@hdns/hub';
import { CloseCode, TRANSPORT_MAX_FRAME_BYTES } from '@hdns/protocol';
import type { RealtimeConfig } from '../config.js';
import { AckStore } from './ack-store.js';
import { auditEventBridge } from './audit-events.js';
import { userSessionEnforcer } from './user-session-enforcer.js';
import { hubTokenVerifier } from './hub-token-verifier.js';
import { visibleTo } from './visibility.js';
import type { LegacyHandoff } from './legacy-handoff.js';
import { createUpgradeHandler } from './ws-upgrade.js';
import { openEventStream } from './event-stream.js';
import { sessionCookieIdentity } from './session-cookie-identity.js';

declare module 'fastify' {
  interface FastifyInstance {
    hub: Hub;
    eventLog: EventLog;
    acks: AckStore;
  }
}

/**
 * Largest frame `ws` accepts at all (larger: `ws` closes 1009 itself, as docs/protocol.md says);
 * the hub answers FRAME_TOO_LARGE and closes 4413 above its own smaller limit.
 */
const WS_MAX_PAYLOAD = TRANSPORT_MAX_FRAME_BYTES;

export interface RealtimePluginOptions {
  realtime: RealtimeConfig;
  dataDir: string;
  allowedOrigins: readonly string[];
  /**
   * The client address of an upgrade request: the same computation (and trusted proxies) as
   * REST's `request.ip` (http/client-address.ts), for admission, the hub and audit rows.
   */
  clientIp: (req: IncomingMessage) => string;
  /**
   * The requested host for the Origin check: the same computation (and trusted proxies) as
   * REST's `request.host` (http/request-host.ts).
   */
  clientHost: (req: IncomingMessage) => string;
  /** Installs the legacy protocol generations; absent: legacy routes close with 1011. */
  legacy?: (hub: Hub) => LegacyHandoff;
}

/**
 * Mounts the hub: the event log (its own SQLite file, or Redis with HDNS_REDIS_URL), the `/ws` upgrade routes (and the
 * legacy ones), WebSocket auth outcomes into the audit log, audit records into user events.
 * On close every socket gets SERVER_RESTARTING first, so clients reconnect and resume.
 */
async function realtimePlugin(app: FastifyInstance, options: RealtimePluginOptions): Promise<void> {
  const rt = options.realtime;
  const stream = await openEventStream(rt, options.dataDir, app.log);
  const log = stream.log;
  const acks = new AckStore(app.db, log);
  const verifyToken = hubTokenVerifier(
    (t) => app.verifyAccessToken(t),
    app.refreshTokens,
    app.apiTokenVerifier,
  );
  const hub = new Hub({
    log,
    ...(stream.bus ? { bus: stream.bus } : {}),
    ...(stream.cluster ? { cluster: stream.cluster } : {}),
    verifyToken,
    metricsRegistry: app.metrics,
    session: { heartbeatMs: rt.heartbeatSeconds * 1000 },
    batchDelayMs: rt.batchDelayMs,
    // The same threshold as the `ws` server's below, and the budget of sockets compressing.
    ...(rt.compression
      ? {
          compression: {
            threshold: rt.compressionThreshold,
            maxSockets: rt.compressionMaxSockets,
          },
        }
      : {}),
    maxConnectionsPerUser: rt.maxConnectionsPerUser,
    maxConnections: rt.maxConnections,
    thresholds: { connections: rt.alertConnections, queueDepth: rt.alertQueueDepth },
    logger: app.log,
    onAck: (identity, ack) => acks.ack(identity.userId, ack, visibleTo(identity)),
    onAuth: (outcome) => {
      app.auditLog
        .record({
          action: outcome.ok ? 'ws_auth' : 'ws_auth_failure',
          actor: { userId: outcome.userId ?? null, username: outcome.username ?? null },
          ip: outcome.ip,
          success: outcome.ok,
          details: {
            protocol: outcome.wire,
            ...(outcome.reason ? { reason: outcome.reason } : {}),
          },
        })
        .catch((err: unknown) =>
          app.log.error({ err }, 'failed to audit a WebSocket authentication'),
        );
    },
  });
  const admission = new IpAdmission({
    maxConnectionsPerIp: rt.maxConnectionsPerIp,
    maxAttemptsPerIp: rt.maxAttemptsPerIp,
    attemptWindowMs: 60_000,
  });
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: WS_MAX_PAYLOAD,
    // Per client (only those that offer it), frames ≥ the threshold only; ws-compression.ts
    // states the memory it costs per socket.
    perMessageDeflate: wsCompression(
      rt.compression ? { threshold: rt.compressionThreshold } : false,
    ),
  });
  const legacy = options.legacy?.(hub);
  const onUpgrade = createUpgradeHandler({
    hub,
    wss,
    admission,
    verifyToken,
    allowedOrigins: options.allowedOrigins,
    ...(legacy
      ? {
          attachLegacy: legacy.attach,
          ...(legacy.refuse ? { refuseLegacy: legacy.refuse } : {}),
          sessionIdentity: (req: IncomingMessage) =>
            sessionCookieIdentity(
              req,
              (h) => app.parseCookie(h),
              app.wsSessions,
              app.refreshTokens,
            ),
        }
      : {}),
    log: app.log,
    clientIp: options.clientIp,
    clientHost: options.clientHost,
  });
  app.server.on('upgrade', onUpgrade);
  const stopBridge = app.auditLog.onRecord(auditEventBridge(hub, app.log));
  const stopEnforcer = app.users.onChange(userSessionEnforcer(hub, app.log));
  // A revoked API token's sockets close at once (terminal: the token will not work again).
  const stopTokenRevocations = app.apiTokens.onRevoke((token) => {
    hub.disconnectCredential(token.id, 'API token revoked', CloseCode.CREDENTIALS_REVOKED);
  });

  stream.onReset((reason) => {
    const closed = hub.resetStream(reason);
    app.log.warn({ closed, reason }, 'closed every WebSocket so clients resume or reload');
  });

  app.decorate('hub', hub);
  app.decorate('eventLog', log);
  app.decorate('acks', acks);

  app.addHook('preClose', async () => {
    app.server.off('upgrade', onUpgrade);
    stopBridge();
    stopEnforcer();
    stopTokenRevocations();
    await hub.close();
    for (const client of wss.clients) client.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    admission.close();
  });
  app.addHook('onClose', async () => {
    await stream.close();
  });
}

export const realtime = fp(realtimePlugin, {
  name: 'hdns-realtime',
  dependencies: ['hdns-storage', 'hdns-auth', 'hdns-metrics'],
});
