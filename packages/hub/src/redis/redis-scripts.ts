import { createHash } from 'node:crypto';
import type { RedisCommander } from './redis-commander.js';

/**
 * The event log's Lua scripts. Each runs atomically in Redis, so seq assignment, the id index,
 * the epoch check and the stream append happen as one step however many instances append at
 * once (the way Centrifugo assigns stream offsets). Keys, always in this order (redis-keys.ts):
 * KEYS[1] meta hash, KEYS[2] ids hash, KEYS[3] shared pool stream, KEYS[4] traffic pool stream.
 * A pool is named by its index: 1 shared, 2 traffic (its stream is KEYS[2 + index]).
 */

/** A Lua script run by EVALSHA, loaded with EVAL when Redis does not know it (a restart). */
export class RedisScript {
  readonly sha: string;
  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(
    client: RedisCommander,
    keys: readonly string[],
    args: readonly string[],
  ): Promise<unknown> {
    const tail = [String(keys.length), ...keys, ...args];
    try {
      return await client.sendCommand(['EVALSHA', this.sha, ...tail]);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return client.sendCommand(['EVAL', this.source, ...tail]);
    }
  }
}

/**
 * Opens the log: adopts the epoch in Redis, or starts one (ARGV[1], a fresh id) when there is
 * none: a new log, or one whose meta hash was lost (a restart without persistence, FLUSHALL, an
 * eviction). A new epoch starts empty: leftovers of a lost one are deleted, so no seq repeats
 * inside an epoch. HSETNX makes instances that open at once agree on one epoch.
 * Returns { epoch, seq }.
 */
export const OPEN = new RedisScript(`
if redis.call('HSETNX', KEYS[1], 'epoch', ARGV[1]) == 1 then
  redis.call('DEL', KEYS[2], KEYS[3], KEYS[4])
  redis.call('HSET', KEYS[1], 'seq', 0, 'epoch_start', 0)
end
return redis.call('HMGET', KEYS[1], 'epoch', 'seq')
`);

/**
 * Replaces the epoch ARGV[1] with ARGV[2] (the stream went back: writes acknowledged to clients
 * were lost). The new epoch starts after the current counter (`epoch_start`, where buses
 * following the log continue). Another instance may have replaced it already: returns the epoch
 * now in force.
 */
export const RENEW = new RedisScript(`
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if epoch and epoch ~= ARGV[1] then return epoch end
redis.call('HSET', KEYS[1], 'epoch', ARGV[2], 'epoch_start', redis.call('HGET', KEYS[1], 'seq') or '0')
return ARGV[2]
`);

/**
 * Appends one event unless its id is logged already.
 * ARGV: 1 epoch the caller holds, 2 highest seq the caller has seen in it, 3 pool index,
 * 4 event id, 5 ISO time, 6 event JSON (without seq).
 * Returns one of: {'added', seq} · {'known', seq, json} (the first event with that id) ·
 * {'lost'} (no epoch: the log is gone) · {'epoch', epoch} (another epoch is in force) ·
 * {'regressed', seq} (the counter is below what the caller saw: Redis lost acknowledged writes).
 */
export const APPEND = new RedisScript(`
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch then return {'lost'} end
if epoch ~= ARGV[1] then return {'epoch', epoch} end
local last = tonumber(redis.call('HGET', KEYS[1], 'seq') or '0')
if last < tonumber(ARGV[2]) then return {'regressed', tostring(last)} end
local known = redis.call('HGET', KEYS[2], ARGV[4])
if known then
  local sep = string.find(known, ' ', 1, true)
  local pool = tonumber(string.sub(known, 1, sep - 1))
  local seq = string.sub(known, sep + 1)
  local found = redis.call('XRANGE', KEYS[2 + pool], seq .. '-0', seq .. '-0')
  if found[1] then return {'known', seq, found[1][2][6]} end
  redis.call('HDEL', KEYS[2], ARGV[4])
end
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
redis.call('XADD', KEYS[2 + tonumber(ARGV[3])], seq .. '-0', 'i', ARGV[4], 't', ARGV[5], 'e', ARGV[6])
redis.call('HSET', KEYS[2], ARGV[4], ARGV[3] .. ' ' .. seq)
return {'added', tostring(seq)}
`);

/**
 * Reads a range of the pools selected by ARGV[5] ('11', '10', '01'): entries with ids from
 * ARGV[1] to ARGV[2], at most ARGV[3] per pool, ascending or (ARGV[4] = 'desc') descending.
 * Returns {epoch, seq, sharedEntries, trafficEntries}: the epoch comes with the data, so a
 * reader never takes entries of a new epoch for the old one.
 */
export const RANGE = new RedisScript(`
local out = {redis.call('HGET', KEYS[1], 'epoch') or '', redis.call('HGET', KEYS[1], 'seq') or '0'}
for i = 1, 2 do
  if string.sub(ARGV[5], i, i) == '1' then
    if ARGV[4] == 'desc' then
      out[#out + 1] = redis.call('XREVRANGE', KEYS[2 + i], ARGV[2], ARGV[1], 'COUNT', ARGV[3])
    else
      out[#out + 1] = redis.call('XRANGE', KEYS[2 + i], ARGV[1], ARGV[2], 'COUNT', ARGV[3])
    end
  else
    out[#out + 1] = {}
  end
end
return out
`);

/** The entries of the event ids in ARGV that are retained: {epoch, entry, entry, …}. */
export const BY_IDS = new RedisScript(`
local out = {redis.call('HGET', KEYS[1], 'epoch') or ''}
for i = 1, #ARGV do
  local v = redis.call('HGET', KEYS[2], ARGV[i])
  if v then
    local sep = string.find(v, ' ', 1, true)
    local pool = tonumber(string.sub(v, 1, sep - 1))
    local seq = string.sub(v, sep + 1)
    local found = redis.call('XRANGE', KEYS[2 + pool], seq .. '-0', seq .. '-0')
    if found[1] then out[#out + 1] = found[1] end
  end
end
return out
`);

/**
 * Prunes one pool from its head: entries while the pool holds more than ARGV[2] or the entry's
 * time is before ARGV[3], at most ARGV[4] per call (Redis runs one script at a time; a long one
 * would stall every instance). Removes their ids, trims the stream exactly (XTRIM MINID) and
 * raises `pruned:<ARGV[5]>`. ARGV[1] is the pool index. Returns {removed, more}.
 */
export const PRUNE = new RedisScript(`
local stream = KEYS[2 + tonumber(ARGV[1])]
local excess = redis.call('XLEN', stream) - tonumber(ARGV[2])
local batch = tonumber(ARGV[4])
local entries = redis.call('XRANGE', stream, '-', '+', 'COUNT', batch)
local ids = {}
local lastId = nil
for _, entry in ipairs(entries) do
  local f = entry[2]
  if #ids < excess or f[4] < ARGV[3] then
    ids[#ids + 1] = f[2]
    lastId = entry[1]
  else
    break
  end
end
if lastId == nil then return {0, 0} end
redis.call('HDEL', KEYS[2], unpack(ids))
local lastSeq = string.match(lastId, '^(%d+)')
redis.call('XTRIM', stream, 'MINID', tostring(tonumber(lastSeq) + 1) .. '-0')
local key = 'pruned:' .. ARGV[5]
if tonumber(redis.call('HGET', KEYS[1], key) or '0') < tonumber(lastSeq) then
  redis.call('HSET', KEYS[1], key, lastSeq)
end
local more = 0
if #ids == #entries and #entries == batch then more = 1 end
return {#ids, more}
`);
