import type { Identity } from '../auth/identity.js';
import type { Db } from '../storage/db.js';
import { UserRepository } from '../users/user-repository.js';
import { canWriteZone } from './zone-access.js';

/** What a job needs of its user for as long as it runs. */
export type JobRight = { kind: 'write_zone'; zone: string } | { kind: 'admin' };

/**
 * Returns null while the job may go on, or why it must stop (for the job and its events). Reads
 * through `db`: given a chunk's transaction, the answer is the one that commit is made under.
 */
export type JobRightsCheck = (db: Db) => Promise<string | null>;

/**
 * Thrown by a chunk (ChunkCommit.check / write) whose job lost its rights: nothing of the chunk
 * is stored, and the runner ends the job `cancelled` with `reason` instead of retrying lines.
 */
export class JobStoppedError extends Error {
  constructor(readonly reason: string) {
    super(`job stopped: ${reason}`);
    this.name = 'JobStoppedError';
  }
}

/**
 * The check the job runner makes before every chunk it stores: it re-reads the user who started
 * the job, so a job stops when its user is deleted, disabled, demoted, loses the zone, or has the
 * token that started the job revoked (its token version moved on: a password change, or any
 * change of role, zones or disabled). A job runs on that token's authority, like a request that
 * takes long, so it ends where the token ends; natural token expiry is not a revocation.
 */
export function jobRightsCheck(starter: Identity, right: JobRight): JobRightsCheck {
  return async (db) => {
    const user = await new UserRepository(db).findById(starter.userId);
    if (!user) return `user ${starter.username} was deleted`;
    if (user.disabled) return `user ${user.username} was disabled`;
    const now: Identity = {
      ...starter,
      role: user.role,
      zones: user.role === 'admin' ? null : user.zones,
    };
    // The specific reasons first; the token check then catches what they do not name.
    if (right.kind === 'admin' && now.role !== 'admin') {
      return `user ${user.username} is no longer an admin`;
    }
    if (right.kind === 'write_zone' && !canWriteZone(now, right.zone, 'primary')) {
      return `user ${user.username} may no longer write zone ${right.zone}`;
    }
    if (user.tokenVersion !== starter.tokenVersion) {
      return `the sign-in that started the job was revoked (user ${user.username}'s password, role or zones changed)`;
    }
    return null;
  };
}
