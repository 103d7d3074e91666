import type { Role } from '@hdns/protocol';

/** A user as the API shows it: never the password hash. */
export interface User {
  id: string;
  username: string;
  role: Role;
  /** Zones the user is limited to; null means all zones. Always null for admins. */
  zones: string[] | null;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** A user with its credential, for the auth code only. */
export interface StoredUser extends User {
  passwordHash: string;
  /** Must equal the access token's `tv` claim; bumped whenever the user's rights change. */
  tokenVersion: number;
}

/** Case-insensitive identity of a username (unique in storage). */
export function usernameKey(username: string): string {
  return username.normalize('NFKC').toLowerCase();
}

export function toPublicUser(user: StoredUser): User {
  const { passwordHash: _hash, tokenVersion: _tv, ...rest } = user;
  return rest;
}
