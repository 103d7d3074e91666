import type { Identity } from '../auth/identity.js';
import type { StoredUser } from '../users/user.js';
import { canWriteZone } from './zone-access.js';

/** What a job needs of its user for as long as it runs. */
export type JobRight = { kind: 'write_zone'; zone: string } | { kind: 'admin' };

/** Returns null while the job may go on, or why it must stop (for the job and its events). */
export type JobRightsCheck = () => Promise<string | null>;

/**
 * A check the job runner calls before every chunk: it re-reads the user who started the job, so
 * a job stops when its user is deleted, disabled, demoted, or loses the zone (the token version
 * is not consulted: a password change alone leaves the user's rights as they were).
 */
export function jobRightsCheck(
  users: { findStored(id: string): Promise<StoredUser | undefined> },
  starter: Identity,
  right: JobRight,
): JobRightsCheck {
  return async () => {
    const user = await users.findStored(starter.userId);
    if (!user) return `user ${starter.username} was deleted`;
    if (user.disabled) return `user ${user.username} was disabled`;
    const now: Identity = {
      ...starter,
      role: user.role,
      zones: user.role === 'admin' ? null : user.zones,
    };
    if (right.kind === 'admin') {
      return now.role === 'admin' ? null : `user ${user.username} is no longer an admin`;
    }
    return canWriteZone(now, right.zone, 'primary')
      ? null
      : `user ${user.username} may no longer write zone ${right.zone}`;
  };
}
