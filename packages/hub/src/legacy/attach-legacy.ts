import { CloseCode, roleAtLeast } from '@hdns/protocol';
import {
  isLegacyConnectionType,
  LEGACY_CONNECTION_MIN_ROLE,
  type LegacyGeneration,
} from '@hdns/protocol/legacy';
import type { Hub } from '../hub.js';
import type { HubSocket } from '../hub-socket.js';
import type { Identity } from '../identity.js';
import type { Session } from '../session.js';
import { LEGACY_WIRE_FORMAT } from './legacy-encoding.js';
import { Legacy1Wire } from './legacy1-wire.js';
import { Legacy2Wire } from './legacy2-wire.js';

/**
 * A socket on a legacy route: the hub's socket surface plus protocol-level ping/pong, which
 * every `ws` WebSocket has. Legacy liveness relies on it (see LegacyLink.ping).
 */
export type LegacySocket = HubSocket & {
  ping(): void;
  on(event: 'pong', listener: () => void): unknown;
};

export interface LegacyAttachOptions {
  ip: string;
  /** Verified by the app from the legacy URL's `?token=` before the upgrade. */
  identity: Identity;
  generation: LegacyGeneration;
  /**
   * Generation 1 only: `{connection_type}` of `/ws/{connection_type}/{user_id}` (the app has
   * checked `{user_id}` against the token). Missing, unknown, or above the user's role (`admin`
   * for non-admins): the socket is closed with LEGACY_CLOSE.POLICY (1008).
   */
  connectionType?: string;
  /**
   * Whether the greeting is followed by the `deprecation_notice` (default true). The app's
   * migration controls turn it off (e.g. HDNS_LEGACY=on) once the notice is shown elsewhere.
   */
  announce?: boolean;
}

export interface LegacyWires {
  1: Legacy1Wire;
  2: Legacy2Wire;
}

const installed = new WeakMap<Hub, LegacyWires>();

/**
 * Registers the two legacy wires with `hub` (idempotent; returns them). `attachLegacy` calls it
 * on first use, so the app only needs it to make the wires known before any legacy socket.
 */
export function installLegacyWires(hub: Hub): LegacyWires {
  let wires = installed.get(hub);
  if (!wires) {
    wires = { 1: new Legacy1Wire(hub), 2: new Legacy2Wire(hub) };
    hub.registerWire(wires[1]);
    hub.registerWire(wires[2]);
    installed.set(hub, wires);
  }
  return wires;
}

/**
 * Takes over a socket on a legacy route. The legacy protocols authenticate in the URL, so the
 * session is authenticated at once (reported to the hub's onAuth hook like a v1 hello):
 *
 * - gen1 registers with instanceId `legacy1:{type}`: a second socket of the same type for the
 *   same user replaces the first, which is closed 1000 "Replaced by new connection". The app
 *   must allow enough connections per user (HubOptions.maxConnectionsPerUser) for the types a
 *   legacy frontend opens side by side, or the per-user limit supersedes them too.
 * - gen2 registers with instanceId `legacy2`: one gen2 socket per user.
 *
 * Then the preset (gen1) or the role's defaults (gen2) are subscribed, the stream starts at the
 * head, and `connection_established` plus a `deprecation_notice` are sent. The hub counts the
 * connection in `hdns_ws_legacy_total{kind="connection"}` when it registers.
 *
 * Resolves with the session once it is live (or was refused/closed); never rejects.
 */
export async function attachLegacy(
  hub: Hub,
  socket: LegacySocket,
  options: LegacyAttachOptions,
): Promise<Session> {
  const wires = installLegacyWires(hub);
  const { ip, identity, generation } = options;
  const wire = LEGACY_WIRE_FORMAT[generation];
  const session = hub.attach(socket, { ip, identity, wire });
  if (session.isClosed) return session;

  const link = { ping: () => socket.ping(), announce: options.announce ?? true };
  // Any answer to a protocol ping proves the peer alive (legacy clients send no app pongs).
  socket.on('pong', () => {
    session.lastSeen = Date.now();
  });

  if (generation === 2) {
    if (!authenticate(hub, session, identity, 'legacy2')) return session;
    await wires[2].begin(session, link);
    return session;
  }

  const type = options.connectionType;
  if (
    !isLegacyConnectionType(type) ||
    !roleAtLeast(identity.role, LEGACY_CONNECTION_MIN_ROLE[type])
  ) {
    hub.authOutcome({
      ok: false,
      ip,
      wire,
      userId: identity.userId,
      username: identity.username,
      reason: 'FORBIDDEN',
    });
    session.close(CloseCode.FORBIDDEN, `connection type not allowed: ${String(type)}`);
    return session;
  }
  session.clientName = `legacy1/${type}`;
  if (!authenticate(hub, session, identity, `legacy1:${type}`)) return session;
  await wires[1].begin(session, { ...link, connectionType: type });
  return session;
}

/** False when the hub refused the session (user revoked since `identity` was verified). */
function authenticate(hub: Hub, session: Session, identity: Identity, instanceId: string): boolean {
  // The session's identity carries the revocation mark (stamped at attach when missing).
  if (!session.authenticate(session.identity ?? identity, instanceId)) return false;
  hub.authOutcome({
    ok: true,
    ip: session.ip,
    wire: session.wire,
    userId: identity.userId,
    username: identity.username,
  });
  return true;
}
