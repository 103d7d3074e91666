import { randomUUID } from 'node:crypto';
import type { Category } from '@hdns/protocol';
import {
  DEFAULT_RETENTION,
  EventLogClosedError,
  matchesQuery,
  resumeHorizon,
  retentionPool,
  retentionPools,
  type AppendResult,
  type EventLog,
  type EventQuery,
  type LoggedEvent,
  type NewEvent,
  type PoolName,
  type RetentionPolicy,
} from '../event-log/event-log.js';
import type { RedisCommander } from './redis-commander.js';
import { POOLS, redisLogKeys, scriptKeys, type RedisLogKeys } from './redis-keys.js';
import { scanEvents, scanPools } from './redis-scan.js';
import {
  asArray,
  asInt,
  asString,
  decodeEvent,
  encodeEvent,
  parseEntries,
} from './redis-replies.js';
import { APPEND, BY_IDS, OPEN, PRUNE, RENEW } from './redis-scripts.js';

/** Why the epoch changed under a running log. */
export type EpochChangeReason =
  /** The log's keys were gone (Redis restarted without persistence, FLUSHALL, an eviction). */
  | 'log_lost'
  /** The seq counter went below what this instance had seen: Redis lost acknowledged writes. */
  | 'log_regressed'
  /** Another instance found one of the above first and started the epoch now in force. */
  | 'renewed_elsewhere';

export interface EpochChange {
  from: string;
  to: string;
  reason: EpochChangeReason;
}

export interface RedisEventLogOptions {
  /** A connected client (node-redis `createClient({ RESP: 2 })`); the log does not close it. */
  client: RedisCommander;
  /** Key prefix, used as the keys' hash tag (`{hdns}:meta`, …). Default `hdns`. */
  prefix?: string;
  retention?: RetentionPolicy;
  /** Prune every this many appends of this instance as well as on `prune()`. Default 1000. */
  pruneEvery?: number;
  /** Entries a query reads per pool and round trip. Default 500. */
  scanBatch?: number;
  /** Told when the epoch changes under this log (clients must then reload, never resume). */
  onEpochChange?: (change: EpochChange) => void;
  /** Errors of background pruning. */
  onError?: (err: unknown) => void;
}

/** Entries one PRUNE call may remove: Redis runs one script at a time. */
const PRUNE_BATCH = 1000;
/** Rounds of "the epoch moved, adopt it and retry" before an append gives up. */
const MAX_EPOCH_RETRIES = 3;

/**
 * The shared event log of several instances, on Redis Streams (one stream per retention pool).
 * Seqs are gapless and assigned atomically by a Lua script that increments the counter and
 * appends in one step; the epoch lives in Redis. When Redis loses the log (its keys are gone, or
 * its counter went back below a seq this instance saw), the log starts a new epoch, so clients
 * holding positions in the old one are told to reload (`resume` fails with `epoch_mismatch`),
 * never resumed across a silent gap. Safe resume needs Redis persistence: `appendonly yes` and
 * `appendfsync always` (with `everysec`, a crash may lose the last second, which is then
 * detected as a regression: a new epoch, not a gap), and `maxmemory-policy noeviction`.
 *
 * Queries read the pools in seq order in batches and filter here: ids and seq ranges are
 * direct lookups, other filters cost a scan of the pools they can match (only the traffic pool
 * for query events, only the shared pool for zone events), bounded by the query's limit.
 */
export class RedisEventLog implements EventLog {
  private currentEpoch: string;
  /** The highest seq this instance saw in the current epoch: a counter below it is a loss. */
  private highestSeen: number;
  private readonly keys: RedisLogKeys;
  private readonly allKeys: string[];
  private readonly retention: RetentionPolicy;
  private readonly pruneEvery: number;
  private readonly scanBatch: number;
  private appendsSincePrune = 0;
  private pruning: Promise<number> | null = null;
  private closed = false;

  private constructor(
    private readonly options: RedisEventLogOptions,
    epoch: string,
    seq: number,
  ) {
    this.currentEpoch = epoch;
    this.highestSeen = seq;
    this.keys = redisLogKeys(options.prefix);
    this.allKeys = scriptKeys(this.keys);
    this.retention = options.retention ?? DEFAULT_RETENTION;
    this.pruneEvery = options.pruneEvery ?? 1000;
    this.scanBatch = options.scanBatch ?? 500;
  }

  /** Opens (or starts) the log under `prefix` in the client's Redis. */
  static async open(options: RedisEventLogOptions): Promise<RedisEventLog> {
    const keys = scriptKeys(redisLogKeys(options.prefix));
    const [epoch, seq] = asArray(await OPEN.run(options.client, keys, [randomUUID()]), 'open');
    return new RedisEventLog(options, asString(epoch, 'epoch'), asInt(seq, 'seq'));
  }

  get epoch(): string {
    return this.currentEpoch;
  }

  append(event: NewEvent): Promise<LoggedEvent> {
    return this.appendIfNew(event).then((r) => r.event);
  }

  async appendIfNew(event: NewEvent): Promise<AppendResult> {
    this.assertOpen();
    const pool = POOLS.indexOf(retentionPool(event.event)) + 1;
    const json = encodeEvent(event);
    for (let attempt = 0; attempt <= MAX_EPOCH_RETRIES; attempt++) {
      const reply = asArray(
        await APPEND.run(this.options.client, this.allKeys, [
          this.currentEpoch,
          String(this.highestSeen),
          String(pool),
          event.id,
          event.ts,
          json,
        ]),
        'append',
      );
      const status = asString(reply[0], 'append status');
      if (status === 'added') {
        const seq = asInt(reply[1], 'seq');
        this.saw(seq);
        if (++this.appendsSincePrune >= this.pruneEvery) this.pruneInBackground();
        return { event: { ...event, seq }, added: true };
      }
      if (status === 'known') {
        const seq = asInt(reply[1], 'seq');
        return { event: decodeEvent(asString(reply[2], 'event'), seq), added: false };
      }
      await this.recover(status, reply[1]);
    }
    throw new Error('event log: the epoch kept changing; append not done');
  }

  async readAfter(seq: number, limit: number): Promise<LoggedEvent[]> {
    return this.query({ afterSeq: seq, limit: Math.max(0, limit) });
  }

  async query(filter: EventQuery): Promise<LoggedEvent[]> {
    this.assertOpen();
    if (filter.ids) return this.byIds(filter);
    const limit = filter.limit ?? Number.POSITIVE_INFINITY;
    if (limit <= 0) return [];
    const out: LoggedEvent[] = [];
    for await (const e of this.scan(filter)) {
      out.push(e);
      if (out.length >= limit) break;
    }
    return out;
  }

  async countByCategory(filter: EventQuery): Promise<Partial<Record<Category, number>>> {
    this.assertOpen();
    const counts: Partial<Record<Category, number>> = {};
    const events = filter.ids ? await this.byIds(filter) : this.scan(filter);
    for await (const e of events) counts[e.category] = (counts[e.category] ?? 0) + 1;
    return counts;
  }

  async lastSeq(): Promise<number> {
    this.assertOpen();
    const [epoch, seq] = asArray(
      await this.options.client.sendCommand(['HMGET', this.keys.meta, 'epoch', 'seq']),
      'meta',
    );
    this.observeEpoch(epoch === null ? '' : asString(epoch, 'epoch'));
    return seq === null ? 0 : asInt(seq, 'seq');
  }

  async oldestSeq(categories?: readonly Category[]): Promise<number> {
    this.assertOpen();
    const fields = POOLS.map((p) => `pruned:${p}`);
    const values = asArray(
      await this.options.client.sendCommand(['HMGET', this.keys.meta, 'epoch', ...fields]),
      'meta',
    );
    this.observeEpoch(values[0] === null ? '' : asString(values[0], 'epoch'));
    const pruned = new Map<string, number>();
    POOLS.forEach((p, i) => {
      const v = values[i + 1];
      pruned.set(p, v === null || v === undefined ? 0 : asInt(v, 'pruned'));
    });
    return resumeHorizon(pruned, categories);
  }

  async prune(now = Date.now()): Promise<number> {
    this.assertOpen();
    // One prune at a time per instance; a concurrent caller waits for it and runs its own.
    while (this.pruning) await this.pruning.catch(() => 0);
    this.pruning = this.pruneAll(now);
    try {
      return await this.pruning;
    } finally {
      this.pruning = null;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pruning?.catch(() => 0);
  }

  private assertOpen(): void {
    if (this.closed) throw new EventLogClosedError();
  }

  private saw(seq: number): void {
    if (seq > this.highestSeen) this.highestSeen = seq;
  }

  /** Reads the events of `filter` in seq order (its `order`), pool by pool in batches. */
  private scan(filter: EventQuery): AsyncGenerator<LoggedEvent> {
    return scanEvents({
      client: this.options.client,
      keys: this.allKeys,
      pools: scanPools(filter),
      filter,
      batch: this.scanBatch,
      onEpoch: (epoch, seq) => {
        this.observeEpoch(epoch);
        this.saw(seq);
      },
    });
  }

  private async byIds(filter: EventQuery): Promise<LoggedEvent[]> {
    const ids = filter.ids ?? [];
    if (ids.length === 0) return [];
    const [epoch, ...entries] = asArray(
      await BY_IDS.run(this.options.client, this.allKeys, [...ids]),
      'by ids',
    );
    this.observeEpoch(asString(epoch, 'epoch'));
    const found = parseEntries(entries)
      .filter((e) => matchesQuery(e, filter))
      .sort((a, b) => (filter.order === 'desc' ? b.seq - a.seq : a.seq - b.seq));
    return filter.limit === undefined ? found : found.slice(0, Math.max(0, filter.limit));
  }

  /**
   * A reply said the epoch this instance holds is no longer the log's: adopt the one in force,
   * or start one when the log is gone or went back. Instances that notice at once agree (OPEN
   * and RENEW are compare-and-set).
   */
  private async recover(status: string, detail: unknown): Promise<void> {
    const from = this.currentEpoch;
    let reason: EpochChangeReason;
    if (status === 'lost') {
      const [epoch, seq] = asArray(
        await OPEN.run(this.options.client, this.allKeys, [randomUUID()]),
        'open',
      );
      this.currentEpoch = asString(epoch, 'epoch');
      this.highestSeen = asInt(seq, 'seq');
      reason = 'log_lost';
    } else if (status === 'regressed') {
      const renewed = await RENEW.run(this.options.client, this.allKeys, [from, randomUUID()]);
      this.currentEpoch = asString(renewed, 'epoch');
      this.highestSeen = asInt(detail, 'seq');
      reason = 'log_regressed';
    } else if (status === 'epoch') {
      this.currentEpoch = asString(detail, 'epoch');
      this.highestSeen = 0;
      reason = 'renewed_elsewhere';
    } else {
      throw new Error(`event log: unexpected append status ${status}`);
    }
    if (this.currentEpoch !== from)
      this.options.onEpochChange?.({ from, to: this.currentEpoch, reason });
  }

  /** A read saw the epoch in Redis; a different one means the log changed under this instance. */
  private observeEpoch(epoch: string): void {
    if (epoch === this.currentEpoch || epoch === '') return;
    const from = this.currentEpoch;
    this.currentEpoch = epoch;
    this.highestSeen = 0;
    this.options.onEpochChange?.({ from, to: epoch, reason: 'renewed_elsewhere' });
  }

  private pruneInBackground(): void {
    this.appendsSincePrune = 0;
    if (this.pruning) return;
    this.prune().catch((err: unknown) => this.options.onError?.(err));
  }

  private async pruneAll(now: number): Promise<number> {
    this.appendsSincePrune = 0;
    let removed = 0;
    for (const { pool, limits } of retentionPools(this.retention)) {
      const cutoff = new Date(now - limits.maxAgeMs).toISOString();
      for (;;) {
        const [n, more] = asArray(
          await PRUNE.run(this.options.client, this.allKeys, [
            String(poolIndex(pool)),
            String(limits.maxEvents),
            cutoff,
            String(PRUNE_BATCH),
            pool,
          ]),
          'prune',
        );
        removed += asInt(n, 'removed');
        if (asInt(more, 'more') === 0 || this.closed) break;
      }
    }
    return removed;
  }
}

function poolIndex(pool: PoolName): number {
  return POOLS.indexOf(pool) + 1;
}
