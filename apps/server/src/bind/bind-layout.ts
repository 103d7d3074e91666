import path from 'node:path';
import { normalizeZoneName } from './zone-text.js';

/**
 * Where the managed BIND keeps everything: one data directory D, writable by named.
 *
 *   D/named.conf          rendered by named-config.ts (previous version kept as named.conf.prev)
 *   D/rndc.key            generated once by rndc-confgen (key "hdns-key")
 *   D/rndc.conf           rndc client config including rndc.key
 *   D/named.pid, D/session.key, D/*.mkeys   named's own state
 *   D/zones/db.<zone>     one file per primary zone (+ .prev after the first change)
 *   D/zones/db.rpz.local  the response-policy zone
 *   D/logs/named.log      general log (also named's start-up errors, via -L)
 *   D/logs/query.log      query log (category queries)
 *   D/logs/rpz.log        RPZ hits (category rpz)
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
  logsDir: string;
  namedLog: string;
  queryLog: string;
  rpzLog: string;
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
    logsDir,
    namedLog: path.join(logsDir, 'named.log'),
    queryLog: path.join(logsDir, 'query.log'),
    rpzLog: path.join(logsDir, 'rpz.log'),
    zoneFile: (zone: string) => path.join(zonesDir, `db.${normalizeZoneName(zone)}`),
  };
}
