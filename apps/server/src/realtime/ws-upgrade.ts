import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import { CloseCode, ERRORS } from '@hdns/protocol';
import { LEGACY_CLOSE } from '@hdns/protocol/legacy';
import {
  AuthError,
  type Hub,
  type Identity,
  type IpAdmission,
  type TokenVerifier,
} from '@hdns/hub';
import { safeError } from '../http/safe-error.js';
import { routeUpgrade, type UpgradeRoute } from './upgrade-route.js';

/** Takes over a legacy socket; a returned promise that rejects closes it with INTERNAL_ERROR. */
export interface LegacyAttach {
  (
    socket: WebSocket,
    context: { ip: string; identity: Identity; generation: 1 | 2; connectionType?: string },
  ): void | Promise<unknown>;
}

export interface UpgradeDeps {
  hub: Hub;
  wss: WebSocketServer;
  admission: IpAdmission;
  verifyToken: TokenVerifier;
  /** Origins besides the request's own host that browsers may connect from. */
  allowedOrigins: readonly string[];
  attachLegacy?: LegacyAttach;
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
 * URL token).
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

  const token = route.kind === 'v1' ? bearer(req) : route.token;
  // Read before verifying: a disconnectUser of this user from now on refuses the session when it
  // registers (at hello for v1, at once for legacy), though the identity was verified before.
  const revocationMark = deps.hub.revocationMark();
  // A verifier that throws synchronously is caught by the caller like any other failure.
  const authenticate = token
    ? deps.verifyToken(token).then((identity) => ({ ...identity, revocationMark }))
    : Promise.resolve(undefined);
  authenticate
    .then(
      (identity) => upgrade(deps, { req, socket, head, route, ip }, identity),
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

interface Pending {
  req: IncomingMessage;
  socket: Duplex;
  head: Buffer;
}

function upgrade(
  deps: UpgradeDeps,
  p: Pending & { route: Exclude<UpgradeRoute, { kind: 'not_found' | 'bad_target' }>; ip: string },
  identity: Identity | undefined,
): void {
  const { route, ip } = p;
  if (route.kind === 'legacy1' && identity && identity.userId !== route.userId) {
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
          ip,
          identity,
          generation: route.kind === 'legacy1' ? 1 : 2,
          ...(route.kind === 'legacy1' ? { connectionType: route.connectionType } : {}),
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
