import type { ErrorCode, Role } from '@hdns/protocol';

/** Who is on the other end of a session, as established by a verified token. */
export interface Identity {
  userId: string;
  username: string;
  role: Role;
  /** Zone grants; null means every zone. */
  zones: string[] | null;
  /** When the credential behind this identity stops being valid. */
  expiresAt: Date;
  /**
   * The hub's revocation mark read before this identity was verified (`Hub.verifyIdentity`, or
   * `Hub.revocationMark()` by whoever verifies): a `disconnectUser` of the user after it refuses
   * the session at registration. Missing: the mark when the socket was attached.
   */
  revocationMark?: number;
  /**
   * The credential a session authenticated with when it is one that can be revoked on its own
   * (an API token's id, or a login session's refresh-token family id): `Hub.disconnectCredential`
   * closes exactly its sessions.
   */
  credentialId?: string;
  /**
   * A read-only credential (a read-only API token): the legacy admin actions that change
   * something (disconnect_user, broadcast_admin_message) are refused with READ_ONLY_TOKEN.
   */
  readOnly?: boolean;
  /**
   * Authenticated with an API token (automation): its sockets form their own pool, so a
   * script never supersedes its owner's dashboard (ConnectionPool).
   */
  apiToken?: boolean;
}

/** Raised by a TokenVerifier; `code` is AUTH_FAILED or TOKEN_EXPIRED. */
export class AuthError extends Error {
  constructor(
    readonly code: Extract<ErrorCode, 'AUTH_FAILED' | 'TOKEN_EXPIRED'>,
    message: string,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

/**
 * Verifies a bearer token and returns the identity, or throws (AuthError for a bad or expired
 * token). Supplied by the application: the hub knows nothing about JWTs or users.
 */
export type TokenVerifier = (token: string) => Promise<Identity>;
