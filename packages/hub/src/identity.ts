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
