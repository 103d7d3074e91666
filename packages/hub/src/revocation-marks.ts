/**
 * One login session (credential) of a revoked user whose sockets get a close of their own, e.g.
 * PERMISSIONS_CHANGED (reconnect) for the session a user changed their password from while all
 * the others get CREDENTIALS_REVOKED: part of the same revocation, so no instance can apply the
 * two in either order.
 */
export interface KeptCredential {
  credentialId: string;
  code: number;
  reason: string;
}

/** Why a user's sessions were ended: the close code and reason a late registration gets too. */
export interface Revocation {
  code: number;
  reason: string;
  /** A user revocation's one credential with a close of its own. */
  keep?: KeptCredential;
}

/** The close that `revocation` gives a session authenticated with `credentialId`. */
export function closeFor(
  revocation: Revocation,
  credentialId: string | undefined,
): { code: number; reason: string } {
  const keep = revocation.keep;
  if (keep !== undefined && credentialId !== undefined && keep.credentialId === credentialId) {
    return { code: keep.code, reason: keep.reason };
  }
  return { code: revocation.code, reason: revocation.reason };
}

/**
 * How long a credential's revocation is kept. A session it must refuse read its mark before
 * the revocation and registers after it: within one verification (a storage read) plus the
 * hello deadline (`authTimeoutMs`, seconds), far below this.
 */
const CREDENTIAL_KEEP_MS = 10 * 60_000;

/**
 * Closes the gap between verifying a user and registering their session. Verification (a JWT
 * plus a read of the stored user) happens before a session is registered, and an admin may
 * disable, demote or kick the user in between: `Hub.disconnectUser` finds no registered session
 * to close then, and the session would go live with the rights read before the change. The same
 * holds for one credential (an API token, a login session) revoked in between.
 *
 * Contract: read `mark()` BEFORE verifying a credential, and at registration ask `since(user,
 * mark, credential)`: every `revoke` of that user, and every `revokeCredential` of that
 * credential, after the mark is reported, so the session is refused. The counter is global (the
 * user is unknown before verification); one entry per user ever revoked is kept, which the
 * number of users bounds. Credentials are not bounded that way (every login is one), so theirs
 * are dropped after `CREDENTIAL_KEEP_MS`, when no verification that preceded them is pending.
 */
export class RevocationMarks {
  private counter = 0;
  private readonly last = new Map<string, Revocation & { mark: number }>();
  /** In the order revoked (re-inserted on a repeat), so the oldest are at the front. */
  private readonly credentials = new Map<string, Revocation & { mark: number; at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The current position; a later `revoke` moves it on. */
  mark(): number {
    return this.counter;
  }

  revoke(userId: string, revocation: Revocation): void {
    this.counter++;
    this.last.set(userId, { ...revocation, mark: this.counter });
  }

  revokeCredential(credentialId: string, revocation: Revocation): void {
    const at = this.now();
    for (const [id, r] of this.credentials) {
      if (at - r.at < CREDENTIAL_KEEP_MS) break;
      this.credentials.delete(id);
    }
    this.counter++;
    this.credentials.delete(credentialId);
    this.credentials.set(credentialId, { ...revocation, mark: this.counter, at });
  }

  /** The latest revocation of the user or of the credential after `mark`, if there was one. */
  since(userId: string, mark: number, credentialId?: string): Revocation | undefined {
    const user = this.last.get(userId);
    const credential = credentialId === undefined ? undefined : this.credentials.get(credentialId);
    const latest = (user?.mark ?? 0) >= (credential?.mark ?? 0) ? user : credential;
    return latest && latest.mark > mark ? closeFor(latest, credentialId) : undefined;
  }
}
