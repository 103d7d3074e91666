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
}
