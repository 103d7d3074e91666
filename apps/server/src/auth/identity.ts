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
}
