/** Why a user's sessions were ended: the close code and reason a late registration gets too. */
export interface Revocation {
  code: number;
  reason: string;
}

/**
 * Closes the gap between verifying a user and registering their session. Verification (a JWT
 * plus a read of the stored user) happens before a session is registered, and an admin may
 * disable, demote or kick the user in between: `Hub.disconnectUser` finds no registered session
 * to close then, and the session would go live with the rights read before the change.
 *
 * Contract: read `mark()` BEFORE verifying a credential, and at registration ask `since(user,
 * mark)`: every `revoke` of that user after the mark is reported, so the session is refused.
 * The counter is global (the user is unknown before verification); one entry per user ever
 * revoked is kept, which the number of users bounds.
 */
export class RevocationMarks {
  private counter = 0;
  private readonly last = new Map<string, Revocation & { mark: number }>();

  /** The current position; a later `revoke` moves it on. */
  mark(): number {
    return this.counter;
  }

  revoke(userId: string, revocation: Revocation): void {
    this.counter++;
    this.last.set(userId, { ...revocation, mark: this.counter });
  }

  /** The user's latest revocation after `mark`, if there was one. */
  since(userId: string, mark: number): Revocation | undefined {
    const last = this.last.get(userId);
    return last && last.mark > mark ? { code: last.code, reason: last.reason } : undefined;
  }
}
