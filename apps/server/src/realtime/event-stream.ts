import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import {
  connectRedis,
  pruneEveryFor,
  PruneSchedule,
  RedisBus,
  RedisEventLog,
  RedisSessionCluster,
  SqliteEventLog,
  type Bus,
  type SessionCluster,
  type EventLog,
  type RetentionPolicy,
} from '@hdns/hub';
import type { RealtimeConfig } from '../config.js';
import { safeError } from '../http/safe-error.js';
import { settleWithin } from '../lib/settle-within.js';
import { ensurePrivateFile, tightenSqliteFiles } from '../storage/private-files.js';

/** Longest wait on Redis for each step of closing the event stream. */
const REDIS_CLOSE_MS = 1_500;

export interface EventStreamLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** The hub's event log and bus, and what to do when the stream loses continuity. */
export interface EventStream {
  kind: 'sqlite' | 'redis';
  log: EventLog;
  /** Absent: the hub's own in-process bus. */
  bus?: Bus;
  /** Sessions shared with the other instances (Redis); absent: one instance. */
  cluster?: SessionCluster;
  /** Called with a reason when clients must reconnect and resume (set once the hub exists). */
  onReset(reset: (reason: string) => void): void;
  /** Closes the bus, the log and their connections; idempotent. */
  close(): Promise<void>;
}

export function retentionPolicy(rt: RealtimeConfig): RetentionPolicy {
  return {
    maxEvents: rt.retentionEvents,
    maxAgeMs: rt.retentionSeconds * 1000,
    // Traffic events are pruned in a pool of their own (see RetentionPolicy).
    traffic: { maxEvents: rt.trafficRetentionEvents, maxAgeMs: rt.trafficRetentionSeconds * 1000 },
  };
}

/**
 * The embedded default: one SQLite file in the data dir, in-process bus. The file holds client
 * addresses and usernames: owner only from the first byte, its -wal/-shm/-journal files too
 * (leftovers before the open, what the open created after it).
 */
function sqliteStream(rt: RealtimeConfig, dataDir: string, logger: EventStreamLogger): EventStream {
  const eventsFile = path.join(dataDir, 'events.sqlite');
  ensurePrivateFile(eventsFile);
  tightenSqliteFiles(eventsFile);
  const retention = retentionPolicy(rt);
  const log = new SqliteEventLog({ path: eventsFile, retention });
  tightenSqliteFiles(eventsFile);
  const pruning = schedulePruning(log, retention, logger);
  let closing: Promise<void> | null = null;
  return {
    kind: 'sqlite',
    log,
    onReset: () => undefined,
    close: () =>
      (closing ??= (async () => {
        await pruning.close();
        await log.close();
      })()),
  };
}

/**
 * Age limits are enforced by this timer (appends alone never prune a quiet log), within the
 * bound the protocol document states (see `pruneIntervalMs` in @hdns/protocol).
 */
function schedulePruning(
  log: EventLog,
  retention: RetentionPolicy,
  logger: EventStreamLogger,
): PruneSchedule {
  return new PruneSchedule(log, retention, {
    onError: (err) =>
      logger.warn({ error: safeError(err) }, `event log pruning failed: ${safeError(err).message}`),
  });
}

/**
 * Several instances: the log and the bus on Redis (HDNS_REDIS_URL), each on a connection of its
 * own (the bus blocks on its reads). A new epoch or a gap the bus could not fill resets the
 * hub's sessions, so no client goes on as if nothing was missed.
 */
async function redisStream(
  url: string,
  rt: RealtimeConfig,
  log: EventStreamLogger,
): Promise<EventStream> {
  let reset: (reason: string) => void = () => undefined;
  const onError = (what: string) => (err: unknown) =>
    log.warn({ error: safeError(err) }, `redis ${what}: ${safeError(err).message}`);
  const logConn = await connectRedis(url, { name: 'hdns-log', onError: onError('connection') });
  const busConn = await connectRedis(url, { name: 'hdns-bus', onError: onError('connection') });
  const controlConn = await connectRedis(url, {
    name: 'hdns-control',
    onError: onError('connection'),
  });
  try {
    const retention = retentionPolicy(rt);
    const eventLog = await RedisEventLog.open({
      client: logConn,
      prefix: rt.redisPrefix,
      retention,
      pruneEvery: pruneEveryFor(retention),
      onError: onError('pruning'),
      onEpochChange: (c) => {
        log.error({ from: c.from, to: c.to, reason: c.reason }, 'event log epoch changed');
        reset(`event stream reset: ${c.reason}`);
      },
    });
    const bus = await RedisBus.open({
      connection: busConn,
      prefix: rt.redisPrefix,
      onError: onError('bus read'),
      onGap: (g) => {
        log.error(g, 'events pruned before this instance read them');
        reset('event stream gap');
      },
      onEpochChange: (c) => {
        log.error(c, 'event bus followed a new epoch');
        reset('event stream reset: new epoch');
      },
    });
    // Unique per process: a restarted instance (same host, maybe the same pid in a container)
    // must not adopt the sessions its dead predecessor left until they time out.
    const cluster = new RedisSessionCluster({
      client: logConn,
      control: controlConn,
      prefix: rt.redisPrefix,
      nodeId: `${os.hostname()}:${process.pid}:${randomBytes(2).toString('hex')}`,
      onError: onError('session cluster'),
    });
    log.info(
      { prefix: rt.redisPrefix, epoch: eventLog.epoch, node: cluster.nodeId },
      'event log, bus and sessions on Redis',
    );
    // Every instance prunes on its own timer; a prune is one script per pool, safe to repeat.
    const pruning = schedulePruning(eventLog, retention, log);
    let closing: Promise<void> | null = null;
    return {
      kind: 'redis',
      log: eventLog,
      bus,
      cluster,
      onReset: (fn) => {
        reset = fn;
      },
      close: () =>
        (closing ??= (async () => {
          // Bounded: with Redis away, commands wait in the client's queue for ever, and a
          // SIGTERM must still end (main.ts gives the whole shutdown 10 s).
          await settleWithin(pruning.close(), REDIS_CLOSE_MS);
          await settleWithin(cluster.close(), REDIS_CLOSE_MS);
          await bus.close();
          await settleWithin(eventLog.close(), REDIS_CLOSE_MS);
          await settleWithin(logConn.close(), REDIS_CLOSE_MS);
          logConn.destroy();
        })()),
    };
  } catch (err) {
    logConn.destroy();
    busConn.destroy();
    controlConn.destroy();
    throw err;
  }
}

export function openEventStream(
  rt: RealtimeConfig,
  dataDir: string,
  log: EventStreamLogger,
): Promise<EventStream> {
  return rt.redisUrl
    ? redisStream(rt.redisUrl, rt, log)
    : Promise.resolve(sqliteStream(rt, dataDir, log));
}
