import { SHARED_POOL, TRAFFIC_POOL, type PoolName } from '../event-log/event-log.js';

/**
 * The Redis keys of one event log. Every key carries the same `{hash tag}`, so the Lua scripts
 * that touch several of them run on Redis Cluster too (all keys of a script in one slot).
 *
 * - `meta` (hash): `epoch`, `seq` (the last seq handed out), `pruned:<pool>` (each pool's
 *   highest pruned seq).
 * - `ids` (hash): event id → `<pool> <seq>`, for idempotent appends and lookups by id.
 * - one stream per retention pool, entry id `<seq>-0`, fields `i` (event id), `t` (ISO time),
 *   `e` (the event as JSON, without seq). A pool stream is trimmed from its head, so what it
 *   retains is contiguous, as the EventLog contract asks.
 */
export interface RedisLogKeys {
  meta: string;
  ids: string;
  streams: Record<PoolName, string>;
}

export const DEFAULT_REDIS_PREFIX = 'hdns';

export function redisLogKeys(prefix = DEFAULT_REDIS_PREFIX): RedisLogKeys {
  const tag = `{${prefix}}`;
  return {
    meta: `${tag}:meta`,
    ids: `${tag}:ids`,
    streams: { [SHARED_POOL]: `${tag}:log:shared`, [TRAFFIC_POOL]: `${tag}:log:traffic` },
  };
}

/** Pools in a fixed order: scripts receive the streams as KEYS[3] (shared) and KEYS[4] (traffic). */
export const POOLS: readonly PoolName[] = [SHARED_POOL, TRAFFIC_POOL];

/** The keys every script takes, in the order the scripts expect them. */
export function scriptKeys(keys: RedisLogKeys): string[] {
  return [keys.meta, keys.ids, ...POOLS.map((p) => keys.streams[p])];
}

/** Stream entry id of a seq. */
export function entryId(seq: number): string {
  return `${seq}-0`;
}
