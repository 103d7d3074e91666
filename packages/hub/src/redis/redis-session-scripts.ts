import { RedisScript } from './redis-scripts.js';

/**
 * The session cluster's keys and Lua scripts. Each script runs atomically, so two instances
 * registering sessions of one user at once still agree on who supersedes whom.
 *
 * Keys, all under the deployment's `{hash tag}` (one Redis Cluster slot):
 * - `sessions` (hash): session id → entry JSON `{node, userId, instanceId, pool, connectedAt,
 *   info}` (`info` is the admin API's view of the connection, refreshed by heartbeats);
 * - `nodes` (sorted set): instance → the Redis time (ms) after which it counts as dead;
 * - `nodestats` (hash): instance → its figures JSON, from its last heartbeat;
 * - `control` (stream): what an instance must do for another: `close` one session, `revoke` a
 *   user; each instance follows it from where it was, so nothing is missed across a reconnect;
 * - `user:<id>` and `nodeset:<instance>` (sets of session ids): derived by the scripts from the
 *   prefixes they get, in the same slot thanks to the tag.
 */
export interface SessionClusterKeys {
  sessions: string;
  nodes: string;
  nodestats: string;
  control: string;
  userPrefix: string;
  nodePrefix: string;
}

export function sessionClusterKeys(prefix: string): SessionClusterKeys {
  const tag = `{${prefix}}`;
  return {
    sessions: `${tag}:sessions`,
    nodes: `${tag}:nodes`,
    nodestats: `${tag}:nodestats`,
    control: `${tag}:control`,
    userPrefix: `${tag}:user:`,
    nodePrefix: `${tag}:nodeset:`,
  };
}

/** KEYS[1] sessions, KEYS[2] nodes, KEYS[3] nodestats, KEYS[4] control, in every script. */
export function sessionScriptKeys(k: SessionClusterKeys): string[] {
  return [k.sessions, k.nodes, k.nodestats, k.control];
}

/** Control entries kept (approximately): far more than instances fall behind by. */
const CONTROL_MAXLEN = '10000';

// Drops one session entry with its set memberships. Needs UP and NP (the set prefixes).
const DROP = `
local function drop(id, e)
  redis.call('HDEL', KEYS[1], id)
  redis.call('SREM', UP .. e.userId, id)
  redis.call('SREM', NP .. e.node, id)
end
local function entry(id)
  local raw = redis.call('HGET', KEYS[1], id)
  if raw then return cjson.decode(raw) end
  return nil
end
`;

/**
 * Registers a session and supersedes, on any instance, the user's sessions of the same pool
 * with the same client instanceId, then the oldest past the limit (v1 pool only), as the
 * in-process ConnectionRegistry does. Each superseded session gets a `close` control entry for
 * its instance. ARGV: 1 id, 2 node, 3 userId, 4 instanceId or '', 5 pool, 6 connectedAt,
 * 7 limit, 8 entry JSON, 9 user prefix, 10 node prefix, 11 close code, 12 reason.
 * Returns the superseded {id, node} pairs, flattened.
 */
export const SESSION_ADD = new RedisScript(`
local UP, NP = ARGV[9], ARGV[10]
${DROP}
local same, others = {}, {}
for _, id in ipairs(redis.call('SMEMBERS', UP .. ARGV[3])) do
  local e = entry(id)
  if not e then
    redis.call('SREM', UP .. ARGV[3], id)
  elseif id ~= ARGV[1] and e.pool == ARGV[5] then
    if ARGV[4] ~= '' and e.instanceId == ARGV[4] then
      table.insert(same, {id, e})
    else
      table.insert(others, {id, e})
    end
  end
end
table.sort(others, function(a, b) return a[2].connectedAt < b[2].connectedAt end)
if ARGV[5] == 'v1' then
  local limit = tonumber(ARGV[7])
  while #others >= limit do table.insert(same, table.remove(others, 1)) end
end
local out = {}
for _, s in ipairs(same) do
  drop(s[1], s[2])
  redis.call('XADD', KEYS[4], 'MAXLEN', '~', '${CONTROL_MAXLEN}', '*',
    'op', 'close', 'node', s[2].node, 'session', s[1], 'code', ARGV[11], 'reason', ARGV[12])
  table.insert(out, s[1])
  table.insert(out, s[2].node)
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[8])
redis.call('SADD', UP .. ARGV[3], ARGV[1])
redis.call('SADD', NP .. ARGV[2], ARGV[1])
return out
`);

/** Drops one session. ARGV: 1 id, 2 user prefix, 3 node prefix. */
export const SESSION_REMOVE = new RedisScript(`
local UP, NP = ARGV[2], ARGV[3]
${DROP}
local e = entry(ARGV[1])
if e then drop(ARGV[1], e) end
return 0
`);

/**
 * Drops every session of a user and tells the other instances to close and revoke theirs.
 * ARGV: 1 userId, 2 origin node, 3 close code, 4 reason, 5 user prefix, 6 node prefix.
 * Returns how many of the dropped sessions were on other instances.
 */
export const SESSION_REVOKE = new RedisScript(`
local UP, NP = ARGV[5], ARGV[6]
${DROP}
local elsewhere = 0
for _, id in ipairs(redis.call('SMEMBERS', UP .. ARGV[1])) do
  local e = entry(id)
  if e then
    if e.node ~= ARGV[2] then elsewhere = elsewhere + 1 end
    drop(id, e)
  end
end
redis.call('DEL', UP .. ARGV[1])
redis.call('XADD', KEYS[4], 'MAXLEN', '~', '${CONTROL_MAXLEN}', '*',
  'op', 'revoke', 'origin', ARGV[2], 'user', ARGV[1], 'code', ARGV[3], 'reason', ARGV[4])
return elsewhere
`);

// Forgets a node and all its sessions.
const FORGET = `
local function forget(node)
  for _, id in ipairs(redis.call('SMEMBERS', NP .. node)) do
    local e = entry(id)
    if e then drop(id, e) end
  end
  redis.call('DEL', NP .. node)
  redis.call('HDEL', KEYS[3], node)
  redis.call('ZREM', KEYS[2], node)
end
`;

/**
 * An instance's heartbeat: it stays alive until Redis time + ARGV[2] ms, stores its figures,
 * refreshes the entries of its sessions that still exist (a superseded one is not brought back),
 * and forgets instances whose time ran out with their sessions. An instance that was itself
 * forgotten (it stalled past its time) registers its sessions again without superseding.
 * ARGV: 1 node, 2 ttl ms, 3 stats JSON, 4 user prefix, 5 node prefix, then id, entry JSON,
 * userId triples. Returns {forgotten instances, 1 if this one rejoined else 0}.
 */
export const NODE_BEAT = new RedisScript(`
local UP, NP = ARGV[4], ARGV[5]
${DROP}
${FORGET}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rejoined = 0
if not redis.call('ZSCORE', KEYS[2], ARGV[1]) then rejoined = 1 end
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[3])
for i = 6, #ARGV, 3 do
  if rejoined == 1 then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
    redis.call('SADD', UP .. ARGV[i + 2], ARGV[i])
    redis.call('SADD', NP .. ARGV[1], ARGV[i])
  elseif redis.call('HEXISTS', KEYS[1], ARGV[i]) == 1 then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  end
end
local dead = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
for _, node in ipairs(dead) do forget(node) end
return {#dead, rejoined}
`);

/** An instance leaves: its sessions and figures go. ARGV: 1 node, 2 user prefix, 3 node prefix. */
export const NODE_LEAVE = new RedisScript(`
local UP, NP = ARGV[2], ARGV[3]
${DROP}
${FORGET}
forget(ARGV[1])
return 0
`);

/**
 * The live instances, every session entry and every instance's figures, read at one instant.
 * Returns {live nodes, sessions as HGETALL, nodestats as HGETALL}.
 */
export const CLUSTER_READ = new RedisScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return {
  redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. now, '+inf'),
  redis.call('HGETALL', KEYS[1]),
  redis.call('HGETALL', KEYS[3]),
}
`);
