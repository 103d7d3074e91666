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
 *   user, `revoke-credential` one credential; each instance follows it from where it was, so nothing is missed across a reconnect;
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
 * Registers sessions of one instance, each as the in-process ConnectionRegistry would: it
 * supersedes, on any instance, the user's sessions of the same pool with the same client
 * instanceId, then the oldest past the limit (v1 pool only). Supersede goes by `connectedAt`
 * (ties to the one being added): a session never closes a newer one. When the one being added
 * is the older (a registration retried late, an instance re-registering after it was cut off)
 * it loses instead: it is not stored and its own instance is told to close it, and nothing else
 * is touched. Each closed session gets a `close` control entry for its instance.
 * ARGV: 1 node, 2 user prefix, 3 node prefix, 4 close code, 5 reason, then per session 7
 * values: id, userId, instanceId or '', pool, connectedAt, limit, entry JSON.
 * Returns the closed {id, node} pairs, flattened.
 */
export const SESSION_ADD = new RedisScript(`
local UP, NP = ARGV[2], ARGV[3]
${DROP}
local out = {}
local function close(id, node)
  redis.call('XADD', KEYS[4], 'MAXLEN', '~', '${CONTROL_MAXLEN}', '*',
    'op', 'close', 'node', node, 'session', id, 'code', ARGV[4], 'reason', ARGV[5])
  table.insert(out, id)
  table.insert(out, node)
end
local function add(id, user, instanceId, pool, at, limit, json)
  local same, others, lost = {}, {}, false
  for _, other in ipairs(redis.call('SMEMBERS', UP .. user)) do
    local e = entry(other)
    if not e then
      redis.call('SREM', UP .. user, other)
    elseif other ~= id and e.pool == pool then
      if instanceId ~= '' and e.instanceId == instanceId then
        if (e.connectedAt or 0) > at then lost = true end
        table.insert(same, {other, e})
      else
        table.insert(others, {other, e})
      end
    end
  end
  table.sort(others, function(a, b) return (a[2].connectedAt or 0) < (b[2].connectedAt or 0) end)
  local excess = 0
  if pool == 'v1' then excess = #others + 1 - limit end
  local older = 0
  for _, o in ipairs(others) do
    if (o[2].connectedAt or 0) <= at then older = older + 1 end
  end
  if excess > older then lost = true end
  if lost then
    local mine = entry(id)
    if mine then drop(id, mine) end
    close(id, ARGV[1])
    return
  end
  for i = 1, excess do table.insert(same, others[i]) end
  for _, s in ipairs(same) do
    drop(s[1], s[2])
    close(s[1], s[2].node)
  end
  redis.call('HSET', KEYS[1], id, json)
  redis.call('SADD', UP .. user, id)
  redis.call('SADD', NP .. ARGV[1], id)
end
for i = 6, #ARGV, 7 do
  add(ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], tonumber(ARGV[i + 4]),
    tonumber(ARGV[i + 5]), ARGV[i + 6])
end
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
 * ARGV: 1 userId, 2 origin node, 3 close code, 4 reason, 5 user prefix, 6 node prefix,
 * 7 `before`: when the revocation was made (ms, the origin's clock), 8 how long after that it
 * counts as late. A late one (retried after Redis was away, or a call that timed out and ran
 * once Redis was back) spares the sessions connected at or after `before` (a login with the new
 * password), and its control entry carries `before` so the other instances spare them too.
 * 9 a kept credential ('' for none), 10 its close code, 11 its reason: its sessions get that
 * close instead (Hub.disconnectUser), told in the same control entry.
 * Returns how many of the dropped sessions were on other instances.
 */
export const SESSION_REVOKE = new RedisScript(`
local UP, NP = ARGV[5], ARGV[6]
${DROP}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local before = tonumber(ARGV[7])
if now - before <= tonumber(ARGV[8]) then before = nil end
local elsewhere = 0
for _, id in ipairs(redis.call('SMEMBERS', UP .. ARGV[1])) do
  local e = entry(id)
  if not e then
    redis.call('SREM', UP .. ARGV[1], id)
  elseif not before or (e.connectedAt or 0) < before then
    if e.node ~= ARGV[2] then elsewhere = elsewhere + 1 end
    drop(id, e)
  end
end
local fields = {'op', 'revoke', 'origin', ARGV[2], 'user', ARGV[1], 'code', ARGV[3],
  'reason', ARGV[4]}
if ARGV[9] and ARGV[9] ~= '' then
  for _, v in ipairs({'keep', ARGV[9], 'keepCode', ARGV[10], 'keepReason', ARGV[11]}) do
    table.insert(fields, v)
  end
end
if before then
  table.insert(fields, 'before')
  table.insert(fields, ARGV[7])
else
  redis.call('DEL', UP .. ARGV[1])
end
redis.call('XADD', KEYS[4], 'MAXLEN', '~', '${CONTROL_MAXLEN}', '*', unpack(fields))
return elsewhere
`);

/**
 * Tells the other instances to close and refuse the sessions of one credential (the session
 * entries do not name it: each instance knows its own). ARGV: 1 credential id, 2 origin node,
 * 3 close code, 4 reason, 5 `before`, 6 how long after it the entry counts as late, as in
 * SESSION_REVOKE: a late one carries `before`, so that sessions connected since are spared.
 */
export const CREDENTIAL_REVOKE = new RedisScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local entry = {'op', 'revoke-credential', 'origin', ARGV[2], 'credential', ARGV[1],
  'code', ARGV[3], 'reason', ARGV[4]}
if now - tonumber(ARGV[5]) > tonumber(ARGV[6]) then
  table.insert(entry, 'before')
  table.insert(entry, ARGV[5])
end
redis.call('XADD', KEYS[4], 'MAXLEN', '~', '${CONTROL_MAXLEN}', '*', unpack(entry))
return 0
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
 * refreshes the entries it sends (only those that changed since its last beat) if they still
 * exist (a superseded one is not brought back), and forgets instances whose time ran out with
 * their sessions. An instance that was not live (its first beat, or it stalled past its time
 * and was, or is now, forgotten) gets 1 back and must register all its sessions again
 * (SESSION_ADD, which supersedes by connectedAt); its entries sent here are then ignored.
 * ARGV: 1 node, 2 ttl ms, 3 stats JSON, 4 user prefix, 5 node prefix, then id, entry JSON
 * pairs. Returns {forgotten instances, 1 if this one (re)joined else 0}.
 */
export const NODE_BEAT = new RedisScript(`
local UP, NP = ARGV[4], ARGV[5]
${DROP}
${FORGET}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rejoined = 0
local deadline = redis.call('ZSCORE', KEYS[2], ARGV[1])
if not deadline or tonumber(deadline) <= now then
  if deadline then forget(ARGV[1]) end
  rejoined = 1
end
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[3])
if rejoined == 0 then
  for i = 6, #ARGV, 2 do
    if redis.call('HEXISTS', KEYS[1], ARGV[i]) == 1 then
      redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
    end
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
