import type { ApiToken, Role } from '@hdns/protocol/rest';
import type { ApiTokenRow } from '../storage/schema.js';

/** A token as storage holds it (without the hash), with its owner's name for listing. */
export interface StoredApiToken {
  id: string;
  ownerId: string;
  ownerUsername: string;
  name: string;
  prefix: string;
  role: Role;
  zones: string[] | null;
  readOnly: boolean;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  lastUsedFrom: string | null;
}

export function parseZones(text: string | null): string[] | null {
  if (text === null) return null;
  const value: unknown = JSON.parse(text);
  return Array.isArray(value) ? value.filter((z): z is string => typeof z === 'string') : [];
}

export function storedApiTokenFrom(row: ApiTokenRow, ownerUsername: string): StoredApiToken {
  return {
    id: row.id,
    ownerId: row.owner_id,
    ownerUsername,
    name: row.name,
    prefix: row.prefix,
    role: row.role as Role,
    zones: parseZones(row.zones),
    readOnly: row.read_only === 1,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
    lastUsedFrom: row.last_used_from,
  };
}

/** What a use of a token needs to know of its owner, read with the token (one joined query). */
export interface ApiTokenOwner {
  id: string;
  username: string;
  role: Role;
  zones: string[] | null;
  disabled: boolean;
  /** Carried by the identity like an access token's `tv` (the user's current token version). */
  tokenVersion: number;
}

/** A token being used, with its owner's current rights. */
export interface ApiTokenInUse {
  token: StoredApiToken;
  owner: ApiTokenOwner;
}

/** The API's view: no hash, no revocation time (revoked tokens are not listed). */
export function toApiToken(token: StoredApiToken): ApiToken {
  const { revokedAt: _revoked, ...rest } = token;
  return rest;
}
