import type { ConnectionInfo } from '../connection-info.js';
import { ClusterUnavailableError, type NodeStats } from '../session-cluster.js';
import { withTimeout, type InFlight } from './redis-call-timeout.js';
import type { RedisCommander } from './redis-commander.js';
import { fieldMap } from './redis-control-feed.js';
import { asArray, asString } from './redis-replies.js';
import { CLUSTER_READ } from './redis-session-scripts.js';

/** One session entry as the cluster stores it (the fields the reads use). */
export interface ClusterEntry {
  node: string;
  userId: string;
  info: ConnectionInfo;
}

/** The live instances' sessions and figures, read at one instant. */
export interface ClusterView {
  sessions: ClusterEntry[];
  stats: Map<string, NodeStats>;
}

export interface ClusterReadOptions {
  client: RedisCommander;
  /** The session scripts' KEYS. */
  keys: string[];
  /** The reading instance: counted live whatever Redis says (it is answering). */
  nodeId: string;
  timeoutMs: number;
  /** Reads that timed out and are still queued in node-redis, shared between reads. */
  stalled: InFlight;
}

/**
 * CLUSTER_READ within `timeoutMs`, or a ClusterUnavailableError. While a read that timed out
 * is still queued (Redis away), further reads fail at once rather than queue behind it: an
 * admin page polling during an outage must not pile up reads that all run when Redis is back.
 */
export async function readCluster(o: ClusterReadOptions): Promise<ClusterView> {
  if (o.stalled.size > 0) {
    throw new ClusterUnavailableError('an earlier read is still unanswered');
  }
  const raw = CLUSTER_READ.run(o.client, o.keys, []);
  let reply: unknown;
  try {
    reply = await withTimeout(raw, o.timeoutMs, 'read');
  } catch (err) {
    o.stalled.track(raw).catch(() => undefined);
    throw err;
  }
  const [liveRaw, sessionsRaw, statsRaw] = asArray(reply, 'cluster read');
  const live = new Set(asArray(liveRaw, 'nodes').map((n) => asString(n, 'node')));
  live.add(o.nodeId);
  const sessions: ClusterEntry[] = [];
  for (const json of fieldMap(asArray(sessionsRaw, 'sessions')).values()) {
    const entry = parseJson(json) as Partial<ClusterEntry> | undefined;
    if (entry?.node && entry.userId && entry.info && live.has(entry.node)) {
      sessions.push(entry as ClusterEntry);
    }
  }
  const stats = new Map<string, NodeStats>();
  for (const [node, json] of fieldMap(asArray(statsRaw, 'stats'))) {
    const s = parseJson(json) as NodeStats | undefined;
    if (s && live.has(node)) stats.set(node, s);
  }
  return { sessions, stats };
}

function parseJson(json: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return undefined;
  }
}
