import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import { LEGACY_CLOSE } from '@hdns/protocol';
import {
  AuthError,
  type Hub,
  type Identity,
  type IpAdmission,
  type TokenVerifier,
} from '@hdns/hub';

/** Where an upgrade request goes, decided from its URL alone. */
export type UpgradeRoute =
  | { kind: 'v1' }
  | { kind: 'legacy2'; token: string }
  | { kind: 'legacy1'; connectionType: string; userId: string; token: string }
  | { kind: 'not_found' };

/**
 * `/ws` is protocol v1 (token in the first frame or an Authorization header, never in the URL);
 * `/ws?token=` is the first unified protocol and `/ws/{type}/{user_id}?token=` the per-type one.
 * Tokens in URLs are accepted only on these legacy forms.
 */
export function routeUpgrade(rawUrl: string | undefined): UpgradeRoute {
  const url = new URL(rawUrl ?? '/', 'http://localhost');
  const token = url.searchParams.get('token');
  if (url.pathname === '/ws' || url.pathname === '/ws/') {
    return token ? { kind: 'legacy2', token } : { kind: 'v1' };
  }
  const m = /^\/ws\/([a-z_]{1,32})\/([^/]{1,64})\/?$/.exec(url.pathname);
  if (m?.[1] && m[2] && token) {
    return { kind: 'legacy1', connectionType: m[1], userId: decodeURIComponent(m[2]), token };
  }
  return { kind: 'not_found' };
}

export interface LegacyAttach {
  (
    socket: WebSocket,
    context: { ip: string; identity: Identity; generation: 1 | 2; connectionType?: string },
  ): void;
}

export interface UpgradeDeps {
  hub: Hub;
  wss: WebSocketServer;
  admission: IpAdmission;
  verifyToken: TokenVerifier;
  /** Origins besides the request's own host that browsers may connect from. */
  allowedOrigins: readonly string[];
  attachLegacy?: LegacyAttach;
  log: { warn(obj: object, msg?: string): void };
  clientIp(req: IncomingMessage): string;
}

function reject(
  socket: Duplex,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  const extra = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n${extra}\r\n`,
  );
}

function originAllowed(req: IncomingMessage, allowed: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true; // not a browser: cannot be a cross-site hijack
  const host = req.headers.host;
  return (
    (host !== undefined && (origin === `http://${host}` || origin === `https://${host}`)) ||
    allowed.includes(origin)
  );
}

function bearer(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  const m = h ? /^Bearer\s+(\S+)$/i.exec(h) : null;
  return m?.[1];
}

/**
 * The HTTP upgrade handler. Refusals happen here, before a WebSocket exists, with a plain HTTP
 * status: 404 unknown path, 403 foreign Origin, 429 per-address limits, 401 bad credentials on
 * routes that authenticate in the upgrade (Authorization header, legacy URL token).
 */
export function createUpgradeHandler(deps: UpgradeDeps) {
  return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const route = routeUpgrade(req.url);
    if (route.kind === 'not_found') return reject(socket, 404, 'Not Found');
    if (!originAllowed(req, deps.allowedOrigins)) return reject(socket, 403, 'Forbidden');
    const ip = deps.clientIp(req);
    const admitted = deps.admission.admit(ip);
    if (!admitted.ok) return reject(socket, 429, 'Too Many Requests', { 'Retry-After': '10' });
    // The one release: this socket closes however the connection ends (refused, or a WebSocket
    // that `ws` runs on this same socket).
    socket.once('close', admitted.release);

    const token = route.kind === 'v1' ? bearer(req) : route.token;
    const authenticate = token ? deps.verifyToken(token) : Promise.resolve(undefined);
    authenticate.then(
      (identity) => {
        if (route.kind === 'legacy1' && identity && identity.userId !== route.userId) {
          deps.hub.authOutcome({
            ok: false,
            ip,
            wire: 'legacy1',
            userId: identity.userId,
            reason: 'USER_MISMATCH',
          });
          // The old server accepted, then closed with a policy violation.
          return closeAfterUpgrade(LEGACY_CLOSE.POLICY.code, 'user id does not match the token');
        }
        deps.wss.handleUpgrade(req, socket, head, (ws) => {
          if (route.kind === 'v1') {
            deps.hub.attach(ws, { ip, ...(identity ? { identity } : {}) });
          } else if (identity && deps.attachLegacy) {
            deps.attachLegacy(ws, {
              ip,
              identity,
              generation: route.kind === 'legacy1' ? 1 : 2,
              ...(route.kind === 'legacy1' ? { connectionType: route.connectionType } : {}),
            });
          } else {
            ws.close(LEGACY_CLOSE.UNAVAILABLE.code, LEGACY_CLOSE.UNAVAILABLE.reason);
          }
        });
      },
      (err: unknown) => {
        const reason = err instanceof AuthError ? err.code : 'AUTH_FAILED';
        const wire = route.kind === 'v1' ? 'v1' : route.kind;
        deps.hub.authOutcome({ ok: false, ip, wire, reason });
        if (!(err instanceof AuthError))
          deps.log.warn({ err }, 'token verification failed unexpectedly');
        if (route.kind === 'v1') {
          reject(socket, 401, 'Unauthorized');
        } else {
          closeAfterUpgrade(LEGACY_CLOSE.AUTH_FAILED.code, LEGACY_CLOSE.AUTH_FAILED.reason);
        }
      },
    );

    /** Legacy clients expect the socket to open and then close with their protocol's code. */
    function closeAfterUpgrade(code: number, reason: string): void {
      deps.wss.handleUpgrade(req, socket, head, (ws) => {
        ws.close(code, reason);
      });
    }
  };
}
