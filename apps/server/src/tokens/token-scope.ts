import { ROLES, type Role } from '@hdns/protocol/rest';

/** Rights as (role, zones): zones null means every zone; admins are never limited to zones. */
export interface Scope {
  role: Role;
  zones: string[] | null;
}

function rank(role: Role): number {
  return ROLES.indexOf(role);
}

/** The lower of two roles. */
export function minRole(a: Role, b: Role): Role {
  return rank(a) <= rank(b) ? a : b;
}

/** Zones both grant: null (every zone) is the identity of the intersection. */
export function intersectZones(a: string[] | null, b: string[] | null): string[] | null {
  if (a === null) return b === null ? null : [...b];
  if (b === null) return [...a];
  const inB = new Set(b);
  return a.filter((z) => inB.has(z));
}

/**
 * What a token may do right now: never more than its owner's CURRENT rights, so a demotion or a
 * narrower grant of the owner narrows every token at once, and a promotion widens none beyond
 * what it was created with.
 */
export function effectiveScope(token: Scope, owner: Scope): Scope {
  const role = minRole(token.role, owner.role);
  if (role === 'admin') return { role, zones: null };
  const ownerZones = owner.role === 'admin' ? null : owner.zones;
  const tokenZones = token.role === 'admin' ? null : token.zones;
  return { role, zones: intersectZones(tokenZones, ownerZones) };
}

/**
 * Which part of a requested token scope exceeds its creator's, or null when it fits: the role
 * may not be higher, and named zones must all be the creator's (null, "every zone the creator
 * may reach", always fits since it is intersected with the owner's zones at each use).
 */
export function scopeExcess(requested: Scope, creator: Scope): 'role' | 'zones' | null {
  if (rank(requested.role) > rank(creator.role)) return 'role';
  const creatorZones = creator.role === 'admin' ? null : creator.zones;
  if (requested.zones === null || creatorZones === null) return null;
  const allowed = new Set(creatorZones);
  return requested.zones.every((z) => allowed.has(z)) ? null : 'zones';
}
