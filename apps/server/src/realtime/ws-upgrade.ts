import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import { CloseCode, ERRORS } from '@hdns/protocol';
import { LEGACY_CLOSE, legacyTokenRequiredMessage } from '@hdns/protocol/legacy';
import {
  AuthError,
  type Hub,
  type Identity,
  type IpAdmission,
  type TokenVerifier,
} from '@hdns/hub';
import { safeError } from '../http/safe-error.js';
import type { LegacyAttach, LegacyRefuse, LegacyRouteContext } from './legacy-handoff.js';
import { routeUpgrade, type UpgradeRoute } from './upgrade-route.js';

/** The gen-1 path id the old dashboard passes for "whoever is signed in" (its pages hard-code it). */
const CURRENT_USER = 'current-user';

export interface UpgradeDeps {
  hub: Hub;
  wss: WebSocketServer;
  admission: IpAdmission;
  verifyToken: TokenVerifier;
  /** Origins besides the request's own host that browsers may connect from. */
  allowedOrigins: readonly string[];
  attachLegacy?: LegacyAttach;
  /**
   * HDNS_LEGACY=off (legacy-gate.ts): every legacy route is upgraded and handed to it before
   * any authentication, so the answer is the same whatever the credentials (none, bad, a
   * session) and costs no lookup.
   */
  refuseLegacy?: LegacyRefuse;
  /**
   * The dashboard session a legacy upgrade without a token carries (session-cookie-identity.ts),
   * asked only when the request has an Origin that passed the Origin check. Absent: such
   * upgrades are refused with guidance (LEGACY_CLOSE.TOKEN_REQUIRED).
   */
  sessionIdentity?: (req: IncomingMessage) => Promise<Identity | undefined>;
  log: {
    warn(obj: object, msg?: string): void;
    error(obj: object, msg?: string): void;
    debug(obj: object, msg?: string): void;
  };
  clientIp(req: IncomingMessage): string;
  /**
   * The host the client asked for, as REST's `request.host` resolves it (X-Forwarded-Host only
   * from a trusted proxy; http/request-host.ts): a browser's own Origin is checked against it.
   */
  clientHost(req: IncomingMessage): string;
}

/** A catalogue error as the body of a refused upgrade, so a client can switch on `code`. */
type RefusalCode = 'BAD_URL' | 'NOT_FOUND' | 'ORIGIN_REFUSED' | 'AUTH_FAILED' | 'INTERNAL';

/**
 * Answers a refused upgrade with a plain HTTP response and closes the socket once it is written
 * (as `ws` does for its own refusals), so a peer that never closes holds nothing. Never throws.
 */
function reject(
  socket: Duplex,
  status: number,
  text: string,
  options: { code?: RefusalCode; headers?: Record<string, string> } = {},
): void {
  if (socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  const body = options.code
    ? JSON.stringify({ code: options.code, message: ERRORS[options.code].message })
    : '';
  const extra = Object.entries(options.headers ?? {})
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  const type = body ? 'Content-Type: application/json\r\n' : '';
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\n${type}` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`,
  );
}

function originAllowed(req: IncomingMessage, deps: UpgradeDeps): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true; // not a browser: cannot be a cross-site hijack
  const host = deps.clientHost(req);
  return (
    (host !== '' && (origin === `http://${host}` || origin === `https://${host}`)) ||
    deps.allowedOrigins.includes(origin)
  );
}

function bearer(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  const m = h ? /^Bearer\s+(\S+)$/i.exec(h) : null;
  return m?.[1];
}

/**
 * Node's HTTP server drops its own socket 'error' listener before it emits 'upgrade', so from
 * here until `ws` takes the socket over (after an await for token verification) a peer reset
 * would be an unhandled 'error' event, which kills the process. One shared listener, added
 * first thing; a reset during the handshake is routine and needs no more than this.
 */
function ignoreSocketError(this: Duplex): void {
  this.destroy();
}

/**
 * The HTTP upgrade handler. Refusals happen here, before a WebSocket exists, with a plain HTTP
 * status: 400 malformed target, 404 unknown path, 403 foreign Origin, 429 per-address limits,
 * 401 bad credentials on routes that authenticate in the upgrade (Authorization header, legacy
 * URL token). With `refuseLegacy` (HDNS_LEGACY=off) a legacy route is refused right after the
 * Origin and admission checks, before its credentials are looked at.
 *
 * Contract: nothing a peer sends makes this throw or reject. Every synchronous step and every
 * continuation after the token check is guarded; an unexpected failure is logged (no URL, no
 * token) and answered 500 before the upgrade or closed with INTERNAL_ERROR after it.
 */
export function createUpgradeHandler(deps: UpgradeDeps) {
  return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', ignoreSocketError);
    try {
      handle(deps, req, socket, head);
    } catch (err) {
      failed(deps, socket, err);
    }
  };
}

/** The guard's own last step: never throws, whatever the logger does. */
function failed(deps: UpgradeDeps, socket: Duplex, err: unknown): void {
  try {
    deps.log.error({ error: safeError(err) }, 'WebSocket upgrade handler failed');
    reject(socket, 500, 'Internal Server Error', { code: 'INTERNAL' });
  } catch {
    socket.destroy();
  }
}

function handle(deps: UpgradeDeps, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  const route = routeUpgrade(req.url);
  if (route.kind === 'bad_target') {
    deps.log.debug({ reason: route.reason }, 'upgrade refused: malformed target');
    return reject(socket, 400, 'Bad Request', { code: 'BAD_URL' });
  }
  if (route.kind === 'not_found') return reject(socket, 404, 'Not Found', { code: 'NOT_FOUND' });
  if (!originAllowed(req, deps)) {
    return reject(socket, 403, 'Forbidden', { code: 'ORIGIN_REFUSED' });
  }
  const ip = deps.clientIp(req);
  const admitted = deps.admission.admit(ip);
  if (!admitted.ok) {
    return reject(socket, 429, 'Too Many Requests', { headers: { 'Retry-After': '10' } });
  }
  // The one release: this socket closes however the connection ends (refused, or a WebSocket
  // that `ws` runs on this same socket).
  socket.once('close', admitted.release);
  if (route.kind !== 'v1' && deps.refuseLegacy) {
    return refuseLegacy(deps, { req, socket, head }, route, deps.refuseLegacy);
  }

  const token = route.kind === 'v1' ? bearer(req) : route.token;
  // Read before verifying: a disconnectUser of this user from now on refuses the session when it
  // registers (at hello for v1, at once for legacy), though the identity was verified before.
  const revocationMark = deps.hub.revocationMark();
  // A legacy form without a token: the dashboard's session, from a browser only (an Origin that
  // passed the check above), or a refusal with guidance once the socket is open.
  const bySession = route.kind !== 'v1' && !token;
  // A verifier that throws synchronously is caught by the caller like any other failure.
  const authenticate: Promise<Identity | undefined> = token
    ? deps.verifyToken(token)
    : bySession && req.headers.origin !== undefined && deps.sessionIdentity
      ? deps.sessionIdentity(req)
      : Promise.resolve(undefined);
  authenticate
    .then(
      (verified) => {
        const identity = verified && { ...verified, revocationMark };
        if (bySession && !identity)
          return refuseWithGuidance(deps, { req, socket, head }, route, ip);
        upgrade(deps, { req, socket, head, route, ip }, identity, bySession ? 'session' : 'token');
      },
      (err: unknown) => {
        const reason = err instanceof AuthError ? err.code : 'AUTH_FAILED';
        const wire = route.kind === 'v1' ? 'v1' : route.kind;
        deps.hub.authOutcome({ ok: false, ip, wire, reason });
        if (!(err instanceof AuthError))
          deps.log.warn({ error: safeError(err) }, 'token verification failed unexpectedly');
        if (route.kind === 'v1') {
          reject(socket, 401, 'Unauthorized', { code: 'AUTH_FAILED' });
        } else {
          closeAfterUpgrade(deps, { req, socket, head }, LEGACY_CLOSE.AUTH_FAILED);
        }
      },
    )
    .catch((err: unknown) => failed(deps, socket, err));
}

/**
 * A legacy upgrade with no token and no live session: the socket opens, receives one legacy
 * `error` naming the migration guide (the old clients log it), and closes 4001, on which both
 * old frontends stop reconnecting. Audited as a failed WebSocket authentication.
 */
function refuseWithGuidance(
  deps: UpgradeDeps,
  p: Pending,
  route: LegacyUpgradeRoute,
  ip: string,
): void {
  deps.hub.authOutcome({ ok: false, ip, wire: route.kind, reason: 'TOKEN_REQUIRED' });
  deps.wss.handleUpgrade(p.req, p.socket, p.head, (ws) => {
    ws.on('error', ignoreWsError);
    ws.send(JSON.stringify(legacyTokenRequiredMessage()));
    ws.close(LEGACY_CLOSE.TOKEN_REQUIRED.code, LEGACY_CLOSE.TOKEN_REQUIRED.reason);
  });
}

interface Pending {
  req: IncomingMessage;
  socket: Duplex;
  head: Buffer;
}

type RoutedUpgrade = Exclude<UpgradeRoute, { kind: 'not_found' | 'bad_target' }>;
type LegacyUpgradeRoute = Exclude<RoutedUpgrade, { kind: 'v1' }>;

/** What the request says about a legacy socket, before anything is verified. */
function routeContext(route: LegacyUpgradeRoute, req: IncomingMessage): LegacyRouteContext {
  const userAgent = req.headers['user-agent'];
  return {
    generation: route.kind === 'legacy1' ? 1 : 2,
    ...(route.kind === 'legacy1' ? { connectionType: route.connectionType } : {}),
    route: route.form,
    ...(userAgent ? { userAgent: userAgent.slice(0, 512) } : {}),
  };
}

/**
 * HDNS_LEGACY=off: the socket opens (the old clients expect an open, then a close) and goes to
 * the refusal without any verification; a URL token is only offered as `identify`, for the
 * record of who was refused.
 */
function refuseLegacy(
  deps: UpgradeDeps,
  p: Pending,
  route: LegacyUpgradeRoute,
  refuse: LegacyRefuse,
): void {
  const token = route.token;
  const context = {
    ...routeContext(route, p.req),
    ...(token ? { identify: () => deps.verifyToken(token) } : {}),
  };
  deps.wss.handleUpgrade(p.req, p.socket, p.head, (ws) => {
    ws.on('error', ignoreWsError);
    try {
      refuse(ws, context);
    } catch (err) {
      attachFailed(deps, ws, err);
    }
  });
}

/**
 * Whether a gen-1 path's `{userId}` names the authenticated user: the token's (or session's)
 * own id, or the literal `current-user` the old dashboard's pages pass for "whoever is signed
 * in". The `api-websocket` form has no user id in its path.
 */
function pathUserMatches(route: LegacyUpgradeRoute, identity: Identity): boolean {
  if (route.kind !== 'legacy1' || route.userId === undefined) return true;
  return route.userId === identity.userId || route.userId === CURRENT_USER;
}

function upgrade(
  deps: UpgradeDeps,
  p: Pending & { route: RoutedUpgrade; ip: string },
  identity: Identity | undefined,
  auth: 'token' | 'session',
): void {
  const { route, ip } = p;
  if (route.kind === 'legacy1' && identity && !pathUserMatches(route, identity)) {
    deps.hub.authOutcome({
      ok: false,
      ip,
      wire: 'legacy1',
      userId: identity.userId,
      reason: 'USER_MISMATCH',
    });
    // The old server accepted, then closed with a policy violation.
    return closeAfterUpgrade(deps, p, {
      code: LEGACY_CLOSE.POLICY.code,
      reason: 'user id does not match the token',
    });
  }
  deps.wss.handleUpgrade(p.req, p.socket, p.head, (ws) => {
    // From here the socket is a WebSocket: a failure closes it instead of answering HTTP.
    ws.on('error', ignoreWsError);
    try {
      if (route.kind === 'v1') {
        deps.hub.attach(ws, { ip, ...(identity ? { identity } : {}) });
      } else if (identity && deps.attachLegacy) {
        const attached = deps.attachLegacy(ws, {
          ...routeContext(route, p.req),
          ip,
          identity,
          auth,
        });
        if (attached) attached.catch((err: unknown) => attachFailed(deps, ws, err));
      } else {
        ws.close(LEGACY_CLOSE.UNAVAILABLE.code, LEGACY_CLOSE.UNAVAILABLE.reason);
      }
    } catch (err) {
      attachFailed(deps, ws, err);
    }
  });
}

function attachFailed(deps: UpgradeDeps, ws: WebSocket, err: unknown): void {
  deps.log.error({ error: safeError(err) }, 'attaching a WebSocket failed');
  try {
    ws.close(CloseCode.INTERNAL_ERROR, 'internal error');
  } catch {
    ws.terminate();
  }
}

/** Legacy clients expect the socket to open and then close with their protocol's code. */
function closeAfterUpgrade(
  deps: UpgradeDeps,
  p: Pending,
  close: { code: number; reason: string },
): void {
  deps.wss.handleUpgrade(p.req, p.socket, p.head, (ws) => {
    ws.on('error', ignoreWsError);
    ws.close(close.code, close.reason);
  });
}

/**
 * `ws` reports a peer's protocol error (reserved opcode, bad UTF-8 …) as an 'error' event on
 * the WebSocket; with no listener that event is an uncaught exception. The hub's router listens
 * on the sockets it takes; this listener covers the ones closed here without a session (it
 * needs no action: `ws` closes the connection itself).
 */
function ignoreWsError(): void {}
