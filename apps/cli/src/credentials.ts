/**
 * Where the CLI keeps its login: `credentials.json` in `$HDNS_CONFIG_DIR`, else
 * `$XDG_CONFIG_HOME/hdns`, else `~/.config/hdns`.
 *
 * Contract: the file holds secrets (access token, refresh cookie), so it is written with mode
 * 0600 inside a 0700 directory, atomically (temporary file + rename) so a crash never leaves
 * half a file. A missing file means "not logged in"; a corrupt one is an error that says where it
 * is.
 */
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CliError } from './cli-error.js';

export interface Credentials {
  version: 1;
  /** Base URL of the server (normalized, no trailing slash). */
  url: string;
  username: string;
  role: string;
  accessToken: string;
  /** ISO times of the access token. */
  issuedAt: string;
  expiresAt: string;
  /** `hdns_refresh=<token>`, ready for a Cookie header; null when the server set none. */
  refreshCookie: string | null;
  refreshExpiresAt: string | null;
}

export const CREDENTIALS_FILE = 'credentials.json';

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HDNS_CONFIG_DIR) return env.HDNS_CONFIG_DIR;
  const base = env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return path.join(base, 'hdns');
}

export function credentialsPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(configDir(env), CREDENTIALS_FILE);
}

export async function loadCredentials(file = credentialsPath()): Promise<Credentials | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError(`cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text) as Partial<Credentials>;
    if (parsed.version !== 1 || !parsed.url || !parsed.accessToken || !parsed.expiresAt) {
      throw new Error('unexpected content');
    }
    return parsed as Credentials;
  } catch {
    throw new CliError(`${file} is corrupt: run \`hdns login\` again (or delete it)`);
  }
}

export async function saveCredentials(
  credentials: Credentials,
  file = credentialsPath(),
): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  await chmod(tmp, 0o600); // the umask may have narrowed it further, never widened; be exact
  await rename(tmp, file);
}

export async function removeCredentials(file = credentialsPath()): Promise<void> {
  await rm(file, { force: true });
}
