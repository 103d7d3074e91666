import type { Role } from '@hdns/protocol';

/** Who a request or a WebSocket session acts as, taken from a verified access token. */
export interface Identity {
  userId: string;
  username: string;
  role: Role;
  /** Zones the user is limited to; null means all zones (admins are always null). */
  zones: string[] | null;
  /** When the access token stops being valid. */
  expiresAt: Date;
  /** The token's `jti`. */
  tokenId: string;
  /** The token's `tv`: the user's token version when it was signed (see UsersTable). */
  tokenVersion: number;
  /**
   * The token's `sid`: the login session (refresh-token family) it was issued to, so the
   * account routes can mark the current session and keep it on a password change.
   */
  sessionId?: string;
  /** Set when the request authenticated with an API token (tokens/): that token's id. */
  apiTokenId?: string;
  /** An API token limited to reading: every method but GET and HEAD is refused. */
  readOnly?: boolean;
}
