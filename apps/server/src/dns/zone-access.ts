import type { Identity } from '../auth/identity.js';
import { AppError } from '../http/app-error.js';

function normal(zone: string): string {
  return zone.toLowerCase().replace(/\.$/, '');
}

/** Viewers and operators with zone grants see only those zones; everyone else sees all. */
export function canReadZone(identity: Identity, zone: string): boolean {
  if (identity.role === 'admin' || identity.zones === null) return true;
  return identity.zones.map(normal).includes(normal(zone));
}

/** Operators change the zones they are granted (all zones without grants); admins everything. */
export function canWriteZone(identity: Identity, zone: string): boolean {
  if (identity.role === 'admin') return true;
  return identity.role === 'operator' && canReadZone(identity, zone);
}

export function assertReadZone(identity: Identity, zone: string): void {
  // Not found rather than forbidden: a scoped reader learns nothing about other zones.
  if (!canReadZone(identity, zone)) throw new AppError('NOT_FOUND');
}

export function assertWriteZone(identity: Identity, zone: string): void {
  assertReadZone(identity, zone);
  if (!canWriteZone(identity, zone)) throw new AppError('FORBIDDEN');
}

export function actorOf(identity: Identity): { id: string; username: string } {
  return { id: identity.userId, username: identity.username };
}
