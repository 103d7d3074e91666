import type { WireFormat } from './encoded-event.js';

// What the hub reports to the app: log lines and WebSocket authentication outcomes. Kept apart
// from the Hub class so the wires and the socket router can name them without importing it.

/** One WebSocket authentication attempt, as the hub's `onAuth` audit hook receives it. */
export interface AuthOutcome {
  ok: boolean;
  ip: string;
  wire: WireFormat;
  userId?: string;
  username?: string;
  /** Error code on failure (AUTH_FAILED, TOKEN_EXPIRED, AUTH_TIMEOUT …). */
  reason?: string;
}

/** The logger surface the hub writes to (pino's, which the app passes). */
export interface HubLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** The logger of a hub given none. */
export const silentLogger: HubLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
