import { createHash, randomBytes } from 'node:crypto';
import { API_TOKEN_PREFIX, API_TOKEN_SHOWN_CHARS } from '@hdns/protocol/rest';

/** A fresh secret and what is stored of it. */
export interface NewApiTokenSecret {
  /** The whole secret, given to the creator once and never stored. */
  secret: string;
  hash: string;
  /** `hdns_` and the first characters, to recognise the token in a list. */
  prefix: string;
}

/**
 * `hdns_` + 32 random bytes (base64url). With 256 bits of entropy a plain SHA-256 is enough to
 * keep at rest (nothing to brute-force, unlike passwords), and it makes the hash the lookup key.
 */
export function newApiTokenSecret(): NewApiTokenSecret {
  const secret = API_TOKEN_PREFIX + randomBytes(32).toString('base64url');
  return {
    secret,
    hash: hashApiTokenSecret(secret),
    prefix: secret.slice(0, API_TOKEN_PREFIX.length + API_TOKEN_SHOWN_CHARS),
  };
}

export function hashApiTokenSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** True for what looks like an API token rather than a JWT (which never starts with `hdns_`). */
export function isApiTokenSecret(token: string): boolean {
  return token.startsWith(API_TOKEN_PREFIX);
}
