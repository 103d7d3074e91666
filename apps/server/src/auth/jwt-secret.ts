import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { tightenIfPresent, writePrivateFileOnce } from '../storage/private-files.js';

export const JWT_SECRET_FILE = 'jwt-secret';

/**
 * The HS256 key: the configured secret, else the one kept in `<dataDir>/jwt-secret` (mode 0600),
 * else a new random one written there, so tokens survive restarts. `wx` makes concurrent first
 * starts agree on one secret: the loser of the race reads the winner's file.
 */
export function loadOrCreateJwtSecret(dataDir: string, configured: string | null): Uint8Array {
  if (configured !== null) return new TextEncoder().encode(configured);
  const file = path.join(dataDir, JWT_SECRET_FILE);
  writePrivateFileOnce(file, randomBytes(48).toString('base64url'));
  tightenIfPresent(file);
  const secret = readFileSync(file, 'utf8').trim();
  if (secret.length < 32) {
    throw new Error(`${file} holds a secret shorter than 32 characters; delete it to regenerate`);
  }
  return new TextEncoder().encode(secret);
}
