import { readFileSync } from 'node:fs';
import { chmod, lchown, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../http/app-error.js';

/**
 * Which user the managed named runs as (`named -u`), and making its data directory that user's.
 * named drops privileges before it reads its configuration (../shared/reference/bind9-next.md
 * §4), so every directory above the data directory must be searchable by that user, and the
 * directory itself, with everything in it, writable: journals, inline-signing output, keys,
 * logs. The server, running as root, still reads and writes all of it.
 */

export interface NamedUser {
  name: string;
  uid: number;
  gid: number;
}

/** `name`'s entry in /etc/passwd, or null (no NSS lookups: named -u reads the same file here). */
export function lookupUser(name: string, passwd = '/etc/passwd'): NamedUser | null {
  let text: string;
  try {
    text = readFileSync(passwd, 'utf8');
  } catch {
    return null;
  }
  for (const line of text.split('\n')) {
    const [user, , uid, gid] = line.split(':');
    if (user === name && uid !== undefined && gid !== undefined)
      return { name, uid: Number(uid), gid: Number(gid) };
  }
  return null;
}

export type NamedUserChoice =
  | { kind: 'user'; user: NamedUser }
  | { kind: 'root'; reason: string }
  | { kind: 'self'; reason: string };

/**
 * `setting` is HDNS_BIND_USER: `auto` (user `bind` when this process is root and it exists),
 * `root`, or a user name (which must exist). A server not running as root cannot switch users:
 * named runs as the server's user then, whatever the setting.
 */
export function chooseNamedUser(setting: string, uid = process.getuid?.() ?? -1): NamedUserChoice {
  if (uid !== 0) return { kind: 'self', reason: 'the server does not run as root' };
  if (setting === 'root') return { kind: 'root', reason: 'HDNS_BIND_USER=root' };
  const name = setting === 'auto' ? 'bind' : setting;
  const user = lookupUser(name);
  if (user) return { kind: 'user', user };
  if (setting === 'auto') return { kind: 'root', reason: 'no user "bind" on this system' };
  throw new AppError('BIND_UNAVAILABLE', undefined, {
    message: `HDNS_BIND_USER=${setting}: no such user in /etc/passwd`,
  });
}

/** True when `user` may search (enter) `dir`, by its mode bits alone. */
async function searchable(dir: string, user: NamedUser): Promise<boolean> {
  const s = await stat(dir);
  if (s.uid === user.uid) return (s.mode & 0o100) !== 0;
  if (s.gid === user.gid) return (s.mode & 0o010) !== 0;
  return (s.mode & 0o001) !== 0;
}

/**
 * Makes `bindDir` (inside the server's private `dataDir`) usable by `user`: `dataDir` becomes
 * searchable but not listable by others (0711; its files stay 0600), every directory above it
 * must already be searchable, and `bindDir` with all it holds is chowned to the user. Returns
 * the first directory that stops the user, or null when all is set.
 */
export async function handOverToNamed(
  dataDir: string,
  bindDir: string,
  user: NamedUser,
): Promise<string | null> {
  const data = path.resolve(dataDir);
  const s = await stat(data);
  if ((s.mode & 0o001) === 0) await chmod(data, (s.mode & 0o7777) | 0o011);
  for (let dir = path.dirname(data); ; dir = path.dirname(dir)) {
    if (!(await searchable(dir, user))) return dir;
    if (dir === path.dirname(dir)) break;
  }
  await chownTree(path.resolve(bindDir), user);
  return null;
}

async function chownTree(dir: string, user: NamedUser): Promise<void> {
  await lchown(dir, user.uid, user.gid);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await chownTree(full, user);
    else await lchown(full, user.uid, user.gid);
  }
}
