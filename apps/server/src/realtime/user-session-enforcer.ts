import { CloseCode } from '@hdns/protocol';
import type { Hub } from '@hdns/hub';
import type { UserChangeListener } from '../users/user-change.js';

interface Logger {
  error(obj: object, msg?: string): void;
}

/**
 * Keeps live sessions in step with committed user changes, straight from UserService (not from
 * the audit entry, whose insert may fail after the change committed). Every such change voided
 * the user's access tokens (token version), so their sockets close at once: CREDENTIALS_REVOKED
 * (terminal: sign in again) for a disable or a password change; PERMISSIONS_CHANGED (reconnect
 * with a refreshed token, which carries the new rights) for a role or zones change or a re-enable;
 * KICKED for a deletion. `disconnectUser` also refuses sessions of the user verified before and
 * registering after (see Hub.revocationMark). The matching events travel through the outbox.
 */
export function userSessionEnforcer(hub: Hub, log: Logger): UserChangeListener {
  return (change) => {
    try {
      if (change.kind === 'deleted') {
        hub.disconnectUser(change.user.id, 'user deleted');
        return;
      }
      const { before, after, passwordChanged, keepSessionId } = change;
      const disabled = after.disabled && !before.disabled;
      if (disabled || passwordChanged) {
        // A user who changed their own password keeps the login session they did it from: its
        // sockets reconnect with a fresh token of the new version (the session's refresh token
        // stays valid) while every other socket of the user ends. One revocation says both, so
        // every instance of a cluster applies them together, in no order to get wrong.
        const keep =
          passwordChanged && !disabled && keepSessionId !== undefined
            ? {
                credentialId: keepSessionId,
                code: CloseCode.PERMISSIONS_CHANGED,
                reason: 'password changed in this session',
              }
            : undefined;
        hub.disconnectUser(
          after.id,
          disabled ? 'user disabled' : 'password changed',
          CloseCode.CREDENTIALS_REVOKED,
          keep,
        );
      } else if (
        before.role !== after.role ||
        JSON.stringify(before.zones) !== JSON.stringify(after.zones) ||
        before.disabled !== after.disabled
      ) {
        hub.disconnectUser(after.id, 'permissions changed', CloseCode.PERMISSIONS_CHANGED);
      }
    } catch (err) {
      // The change has committed; a failure here must not turn it into an error response.
      log.error(
        { err, userId: change.kind === 'deleted' ? change.user.id : change.after.id },
        'failed to close the sessions of a changed user',
      );
    }
  };
}
