import type { StoredUser } from './user.js';

/**
 * A committed change to a user, told to listeners right after the transaction commits and before
 * anything else that may fail (refresh-token revocation, the audit insert): what must follow a
 * change of rights at once (closing sockets) must not depend on those.
 */
export type UserChange =
  | {
      kind: 'updated';
      before: StoredUser;
      after: StoredUser;
      passwordChanged: boolean;
      /** The login session a user changed their own password from: it stays signed in. */
      keepSessionId?: string;
    }
  | { kind: 'deleted'; user: StoredUser };

/** Must not throw (the change has committed; a listener failure is the listener's to log). */
export type UserChangeListener = (change: UserChange) => void;
