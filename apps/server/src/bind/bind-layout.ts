import path from 'node:path';
import { AppError } from '../http/app-error.js';
import { normalizeZoneName } from './zone-text.js';

/**
 * Where the managed BIND keeps everything: one data directory D, writable by named.
 *
 *   D/named.conf          rendered by named-config.ts (previous version in D/backup/)
 *   D/rndc.key            generated once by rndc-confgen (key "hdns-key")
 *   D/rndc.conf           rndc client config including rndc.key
 *   D/named.pid, D/session.key, D/*.mkeys   named's own state
 *   D/zones/db.<zone>     one file per primary zone, and nothing else (see zoneFileName)
 *   D/zones/db.rpz.local  the response-policy zone
 *   D/staging/<name>      a new version of a zone file or named.conf while it is checked
 *   D/backup/<name>       the version before the last commit, for a rollback
 *   D/logs/named.log      general log (also named's start-up errors, via -L)
 *   D/logs/query.log      query log (category queries)
 *   D/logs/rpz.log        RPZ hits (category rpz)
 *   D/dnstap.sock         the server's dnstap listener (named connects to it)
 *
 * Staged and backup files live in their own directories under their final base names, so they
 * can never collide with another zone's file (a zone `a.test.tmp` next to a staged `a.test`).
 * Every directory is on one file system, so the renames between them stay atomic.
 *
 * Ports default to high loopback ports unlikely to collide with a system BIND or common
 * services: DNS 5300, rndc 9530, statistics channel 8530.
 */

export interface BindPorts {
  dns: number;
  rndc: number;
  stats: number;
}

export const DEFAULT_BIND_PORTS: BindPorts = { dns: 5300, rndc: 9530, stats: 8530 };
export const DEFAULT_RNDC_KEY_NAME = 'hdns-key';
export const BIND_LISTEN_ADDRESS = '127.0.0.1';

export interface BindLayout {
  dir: string;
  namedConf: string;
  rndcKey: string;
  rndcConf: string;
  pidFile: string;
  sessionKey: string;
  zonesDir: string;
  /** New versions of files while named-checkzone / named-checkconf judge them. */
  stagingDir: string;
  /** The previous version of each file after a commit (for a rollback). */
  backupDir: string;
  logsDir: string;
  namedLog: string;
  queryLog: string;
  rpzLog: string;
  /** The unix socket the server listens on for named's dnstap frames. */
  dnstapSocket: string;
  /** Absolute path of a primary zone's file; the name is validated first. */
  zoneFile(zone: string): string;
}

export function bindLayout(dataDir: string): BindLayout {
  const dir = path.resolve(dataDir);
  const zonesDir = path.join(dir, 'zones');
  const logsDir = path.join(dir, 'logs');
  return {
    dir,
    namedConf: path.join(dir, 'named.conf'),
    rndcKey: path.join(dir, 'rndc.key'),
    rndcConf: path.join(dir, 'rndc.conf'),
    pidFile: path.join(dir, 'named.pid'),
    sessionKey: path.join(dir, 'session.key'),
    zonesDir,
    stagingDir: path.join(dir, 'staging'),
    backupDir: path.join(dir, 'backup'),
    logsDir,
    namedLog: path.join(logsDir, 'named.log'),
    queryLog: path.join(logsDir, 'query.log'),
    rpzLog: path.join(logsDir, 'rpz.log'),
    dnstapSocket: path.join(dir, 'dnstap.sock'),
    zoneFile: (zone: string) => path.join(zonesDir, zoneFileName(zone)),
  };
}

/** One path component may hold at most 255 bytes (ext4, xfs, tmpfs, btrfs alike). */
export const MAX_FILE_NAME_BYTES = 255;
export const ZONE_FILE_PREFIX = 'db.';
/**
 * The longest zone name (without trailing dot) that gets a zone file: 252 characters. DNS allows
 * 253, but `db.` + 253 characters does not fit a file name. Rather than hash long names (file
 * names an operator could no longer read), such a zone is refused up front with a clear error.
 */
export const MAX_ZONE_NAME_LENGTH = MAX_FILE_NAME_BYTES - ZONE_FILE_PREFIX.length;

/**
 * The base name of a zone's file, `db.<zone>`. Zone names are plain ASCII (zone-text.ts), so
 * characters are bytes. Throws VALIDATION_ERROR for a name too long to fit, INVALID_RECORD for a
 * malformed one.
 */
export function zoneFileName(zone: string): string {
  const name = normalizeZoneName(zone);
  if (name.length > MAX_ZONE_NAME_LENGTH) throw zoneNameTooLong(name);
  return `${ZONE_FILE_PREFIX}${name}`;
}

export function zoneNameTooLong(name: string): AppError {
  const message =
    `zone name is ${name.length} characters; at most ${MAX_ZONE_NAME_LENGTH} fit a zone file ` +
    `name (${MAX_FILE_NAME_BYTES} bytes with the "${ZONE_FILE_PREFIX}" prefix)`;
  return new AppError(
    'VALIDATION_ERROR',
    { issues: [{ path: '/name', message, keyword: 'too_big' }], maxLength: MAX_ZONE_NAME_LENGTH },
    { message },
  );
}
