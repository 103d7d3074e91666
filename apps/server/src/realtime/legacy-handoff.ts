import type { WebSocket } from 'ws';
import type { Identity } from '@hdns/hub';

/**
 * Which URL form a legacy socket came in on:
 * - `ws`: `/ws?token=` (generation 2, as the reference describes it);
 * - `api-websocket`: `/api/websocket/ws?token=` (generation 2, what the old
 *   UnifiedWebSocketService opens) and `/api/websocket/ws/{type}?token=` (generation 1 by type,
 *   what the old dashboard's WebSocketProvider opens);
 * - `ws-type`: `/ws/{type}/{userId}` (generation 1, the old websocketService).
 */
export type LegacyRoute = 'ws' | 'api-websocket' | 'ws-type';

/** What the upgrade handler knows of a legacy socket from its request alone. */
export interface LegacyRouteContext {
  generation: 1 | 2;
  /** Generation 1: `{type}` of the URL, one of LEGACY_CONNECTION_TYPES. */
  connectionType?: string;
  route: LegacyRoute;
  /** The request's User-Agent, for the legacy-use overview (absent when not sent). */
  userAgent?: string;
}

/** What the upgrade handler knows about an authenticated legacy socket it hands over. */
export interface LegacyAttachContext extends LegacyRouteContext {
  ip: string;
  identity: Identity;
  /**
   * How the socket authenticated: a token (URL `?token=`) or, for a generation-1 upgrade
   * without one, the dashboard's session (`hdns_ws_session`, Origin-checked).
   */
  auth: 'token' | 'session';
}

/** Takes over a legacy socket; a returned promise that rejects closes it with INTERNAL_ERROR. */
export interface LegacyAttach {
  (socket: WebSocket, context: LegacyAttachContext): void | Promise<unknown>;
}

/** A legacy socket refused before any authentication (HDNS_LEGACY=off). */
export interface LegacyRefusalContext extends LegacyRouteContext {
  /**
   * Verifies the URL's `?token=` (absent when the URL has none): whom the refusal may be
   * recorded for. Never consulted for the answer, which is the same whatever the credentials;
   * rejects with AuthError when the token does not verify.
   */
  identify?: () => Promise<Identity>;
}

/** Closes a legacy socket that may not stay; never throws for a well-behaved socket. */
export interface LegacyRefuse {
  (socket: WebSocket, context: LegacyRefusalContext): void;
}

/** What the app hands the upgrade handler for the legacy routes (realtime/legacy-gate.ts). */
export interface LegacyHandoff {
  attach: LegacyAttach;
  /** Set when every legacy socket is refused: the handler then authenticates none of them. */
  refuse?: LegacyRefuse | undefined;
}
