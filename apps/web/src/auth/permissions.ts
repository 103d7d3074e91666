/**
 * What the UI offers a role. The server enforces all of it; the UI only hides what would be
 * refused, so viewers get a read-only dashboard instead of buttons that fail.
 */
import { roleAtLeast } from '@hdns/protocol';
import type { SessionUser, Zone } from '@hdns/protocol/rest';

export const isAdmin = (user: SessionUser): boolean => user.role === 'admin';

/** Zone names compare as the server compares them: case-insensitive, trailing dot ignored. */
const normal = (zone: string): string => zone.toLowerCase().replace(/\.$/, '');

/**
 * The server's rule for changing a zone, its settings and its records (zone-access.ts):
 * operators write the zones they were granted (null = all), except a zone the server marks
 * `needsAdmin` (a forward zone, or one at or above a public suffix), which takes an admin or an
 * operator granted exactly that zone; admins write everything.
 */
export function canWriteZone(user: SessionUser, zone: Pick<Zone, 'name' | 'needsAdmin'>): boolean {
  if (user.role === 'admin') return true;
  if (user.role !== 'operator') return false;
  const granted = user.zones !== null && user.zones.map(normal).includes(normal(zone.name));
  if (zone.needsAdmin) return granted;
  return user.zones === null || granted;
}

/** Operators may create zones within their grants; the server checks the name. */
export const canCreateZone = (user: SessionUser): boolean => roleAtLeast(user.role, 'operator');

/** RPZ rules and forwarders: everyone reads, admins change. */
export const canEditPolicy = isAdmin;

export const canSeeJobs = (user: SessionUser): boolean => roleAtLeast(user.role, 'operator');
