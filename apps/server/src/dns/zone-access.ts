import type { Identity } from '../auth/identity.js';
import { AppError } from '../http/app-error.js';
import { isAtOrAbovePublicSuffix } from './public-suffix.js';

function normal(zone: string): string {
  return zone.toLowerCase().replace(/\.$/, '');
}

/** Viewers and operators with zone grants see only those zones; everyone else sees all. */
export function canReadZone(identity: Identity, zone: string): boolean {
  if (identity.role === 'admin' || identity.zones === null) return true;
  return identity.zones.map(normal).includes(normal(zone));
}

/**
 * An explicit grant: the operator's `zones` list names this zone exactly. "All zones" (`zones`
 * null) is not an explicit grant, and a grant of a parent (`example.com`) does not cover a child.
 */
export function hasExplicitGrant(identity: Identity, zone: string): boolean {
  return identity.zones !== null && identity.zones.map(normal).includes(normal(zone));
}

/**
 * Why creating or changing this zone needs an admin (or an explicit grant), or null when it
 * does not. Forward zones send a domain's queries to servers of the creator's choosing, and a
 * zone at or above a public suffix answers for names of unrelated owners: both redirect
 * resolution for every client of this server.
 */
type ZoneKind = 'primary' | 'forward' | 'secondary';

export function elevatedZoneReason(zone: string, type?: ZoneKind): string | null {
  const name = normal(zone);
  if (type === 'forward') {
    return `forward zone ${name} sends its queries to other servers for every client`;
  }
  // Like a forward zone: its answers come from servers of the creator's choosing.
  if (type === 'secondary') {
    return `secondary zone ${name} serves data pulled from other servers to every client`;
  }
  if (isAtOrAbovePublicSuffix(name)) {
    return `zone ${name || '.'} is at or above a public suffix and would answer for names of other owners`;
  }
  return null;
}

function mayManage(identity: Identity, zone: string, type?: ZoneKind): boolean {
  if (identity.role === 'admin') return true;
  return elevatedZoneReason(zone, type) === null || hasExplicitGrant(identity, zone);
}

/**
 * Operators change the zones they are granted (all zones without grants), except forward zones
 * and zones at or above a public suffix, which need an explicit grant; admins change everything.
 * `type` is the zone's type when known (record writes only ever hit primary zones).
 */
export function canWriteZone(identity: Identity, zone: string, type?: ZoneKind): boolean {
  if (identity.role === 'admin') return true;
  return (
    identity.role === 'operator' && canReadZone(identity, zone) && mayManage(identity, zone, type)
  );
}

export function assertReadZone(identity: Identity, zone: string): void {
  // Not found rather than forbidden: a scoped reader learns nothing about other zones.
  if (!canReadZone(identity, zone)) throw new AppError('NOT_FOUND');
}

/** Throws FORBIDDEN for a role or grant that may not write, ZONE_NEEDS_ADMIN with the reason. */
function assertMayWrite(identity: Identity, zone: string, type?: ZoneKind): void {
  if (identity.role !== 'admin' && identity.role !== 'operator') throw new AppError('FORBIDDEN');
  if (identity.role === 'admin' || mayManage(identity, zone, type)) return;
  const reason = elevatedZoneReason(zone, type) ?? 'this zone needs an admin';
  throw new AppError(
    'ZONE_NEEDS_ADMIN',
    { zone: normal(zone), reason },
    { message: `${reason}: only an admin, or an operator granted exactly this zone, may do this` },
  );
}

/** For changes to an existing zone (and its records). */
export function assertWriteZone(identity: Identity, zone: string, type?: ZoneKind): void {
  assertReadZone(identity, zone);
  assertMayWrite(identity, zone, type);
}

/** For a new zone: the name must lie within the operator's grants, and not be an elevated zone. */
export function assertCreateZone(identity: Identity, zone: string, type: ZoneKind): void {
  if (!canReadZone(identity, zone)) {
    // The role may create zones; this name is not among the user's grants (their own list).
    const grants = identity.zones ?? [];
    throw new AppError(
      'FORBIDDEN',
      { zone: normal(zone), grants },
      {
        message: `${normal(zone)} is outside your zone grants (${grants.join(', ') || 'none'}): an admin can create it or grant it to you`,
      },
    );
  }
  assertMayWrite(identity, zone, type);
}

/**
 * Resolver policy (RPZ rules, blocklist feeds, the allowlist) blocks names for every client
 * of the resolver: operators manage zones, admins manage policy.
 */
export function assertPolicyAdmin(identity: Identity): void {
  if (identity.role !== 'admin') throw new AppError('FORBIDDEN');
}

export function actorOf(identity: Identity): { id: string; username: string } {
  return { id: identity.userId, username: identity.username };
}
