/**
 * What the UI offers a role. The server enforces all of it; the UI only hides what would be
 * refused, so viewers get a read-only dashboard instead of buttons that fail.
 */
import { roleAtLeast } from '@hdns/protocol';
import type { SessionUser } from '../api/types';

export const isAdmin = (user: SessionUser): boolean => user.role === 'admin';

/** Operators write the zones they were granted (null = all); admins write everything. */
export function canWriteZone(user: SessionUser, zone: string): boolean {
  if (user.role === 'admin') return true;
  if (user.role !== 'operator') return false;
  return user.zones === null || user.zones.includes(zone);
}

/** Operators may create zones within their grants; the server checks the name. */
export const canCreateZone = (user: SessionUser): boolean => roleAtLeast(user.role, 'operator');

/** RPZ rules and forwarders: everyone reads, admins change. */
export const canEditPolicy = isAdmin;

export const canSeeJobs = (user: SessionUser): boolean => roleAtLeast(user.role, 'operator');
